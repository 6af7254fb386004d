using System.Numerics.Tensors;

namespace Myelin.Numerics.Autograd;

public sealed partial class Tape
{
    /// <summary>Softmax over the last dimension.</summary>
    /// <param name="x">[..., n]</param>
    /// <returns>Same shape; each row sums to 1.</returns>
    public Variable Softmax(Variable x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int cols = x.Size(-1);
        int rows = x.Length / Math.Max(1, cols);
        bool track = Tracks(x);
        Variable y = NewVariable(x.Shape.ToArray(), track);
        _k.Softmax(x.DataArray, rows, cols, y.DataArray);
        if (track)
        {
            Record(y, () =>
            {
                // dx = y ⊙ (dy − Σ dy·y)
                float[] dy = y.GradArray;
                float[] yd = y.DataArray;
                float[] dx = GradOf(x);
                for (int o = 0; o < yd.Length; o += cols)
                {
                    ReadOnlySpan<float> yr = yd.AsSpan(o, cols);
                    ReadOnlySpan<float> dyr = dy.AsSpan(o, cols);
                    float dot = TensorPrimitives.Dot(yr, dyr);
                    Span<float> dxr = dx.AsSpan(o, cols);
                    for (int j = 0; j < cols; j++)
                    {
                        dxr[j] += yr[j] * (dyr[j] - dot);
                    }
                }
            });
        }

        return y;
    }

    /// <summary>Log-softmax over the last dimension.</summary>
    /// <param name="x">[..., n]</param>
    /// <returns>Same shape.</returns>
    public Variable LogSoftmax(Variable x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int cols = x.Size(-1);
        int rows = x.Length / Math.Max(1, cols);
        bool track = Tracks(x);
        Variable y = NewVariable(x.Shape.ToArray(), track);
        _k.LogSoftmax(x.DataArray, rows, cols, y.DataArray);
        if (track)
        {
            Record(y, () =>
            {
                // dx = dy − softmax · Σ dy
                float[] dy = y.GradArray;
                float[] yd = y.DataArray;
                float[] dx = GradOf(x);
                for (int o = 0; o < yd.Length; o += cols)
                {
                    ReadOnlySpan<float> dyr = dy.AsSpan(o, cols);
                    float sum = TensorPrimitives.Sum(dyr);
                    ReadOnlySpan<float> yr = yd.AsSpan(o, cols);
                    Span<float> dxr = dx.AsSpan(o, cols);
                    for (int j = 0; j < cols; j++)
                    {
                        dxr[j] += dyr[j] - (MathF.Exp(yr[j]) * sum);
                    }
                }
            });
        }

        return y;
    }
}
