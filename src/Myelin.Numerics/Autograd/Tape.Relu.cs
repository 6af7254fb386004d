using System.Numerics.Tensors;

namespace Myelin.Numerics.Autograd;

public sealed partial class Tape
{
    /// <summary>Rectified linear unit <c>max(x, 0)</c>, element-wise (gradient 0 at x = 0).</summary>
    /// <param name="x">[...]</param>
    /// <returns>Same shape.</returns>
    public Variable Relu(Variable x)
    {
        ArgumentNullException.ThrowIfNull(x);
        bool track = Tracks(x);
        Variable y = NewVariable(x.Shape.ToArray(), track);
        TensorPrimitives.Max(x.DataArray, 0f, y.DataArray);
        if (track)
        {
            Record(y, () =>
            {
                float[] dy = y.GradArray;
                float[] yd = y.DataArray;
                float[] dx = GradOf(x);
                for (int i = 0; i < dx.Length; i++)
                {
                    if (yd[i] > 0f)
                    {
                        dx[i] += dy[i];
                    }
                }
            });
        }

        return y;
    }
}
