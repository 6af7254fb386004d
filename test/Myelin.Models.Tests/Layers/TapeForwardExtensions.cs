using Myelin.Numerics.Autograd;

namespace Myelin.Models.Layers;

/// <summary>Test helpers that run a layer without recording and copy the result out.</summary>
internal static class TapeForwardExtensions
{
    public static float[] Forward(this Tape tape, Linear layer, Variable x) => Run(tape, () => layer.Forward(tape, x));

    public static float[] Forward(this Tape tape, LoraLinear layer, Variable x) => Run(tape, () => layer.Forward(tape, x));

    public static float[] Forward(this Tape tape, GruCell cell, Variable x, Variable h) => Run(tape, () => cell.Forward(tape, x, h));

    private static float[] Run(Tape tape, Func<Variable> f)
    {
        using (tape.NoGrad())
        {
            float[] result = f().Data.ToArray();
            tape.Reset();
            return result;
        }
    }
}
