namespace Myelin.Numerics.Autograd;

public sealed partial class Tape
{
    /// <summary>Sum of all elements.</summary>
    /// <param name="x">[...]</param>
    /// <returns>A scalar.</returns>
    public Variable Sum(Variable x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Reduce(x, 1f);
    }

    /// <summary>Mean of all elements (0 for an empty variable).</summary>
    /// <param name="x">[...]</param>
    /// <returns>A scalar.</returns>
    public Variable Mean(Variable x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Reduce(x, 1f / Math.Max(1, x.Length));
    }

    private Variable Reduce(Variable x, float factor)
    {
        bool track = Tracks(x);
        Variable y = NewVariable([], track);
        y.DataArray[0] = _k.Sum(x.DataArray) * factor;
        if (track)
        {
            Record(y, () =>
            {
                float g = y.GradArray[0] * factor;
                float[] dx = GradOf(x);
                System.Numerics.Tensors.TensorPrimitives.Add(dx, g, dx);
            });
        }

        return y;
    }
}
