using System.Numerics.Tensors;

namespace Myelin.Numerics.Autograd;

public sealed partial class Tape
{
    /// <summary>RMSNorm over the last dimension: <c>x / sqrt(mean(x²) + eps) · weight</c>.</summary>
    /// <param name="x">[..., n]</param>
    /// <param name="weight">[n]</param>
    /// <param name="epsilon">Added to the mean square.</param>
    /// <returns>Same shape as x.</returns>
    public Variable RmsNorm(Variable x, Variable weight, float epsilon)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        int cols = x.Size(-1);
        int rows = x.Length / Math.Max(1, cols);
        if (weight.Length != cols)
        {
            throw new ArgumentException($"RmsNorm: weight has {weight.Length} elements; rows have {cols}.", nameof(weight));
        }

        bool track = Tracks(x, weight);
        Variable y = NewVariable(x.Shape.ToArray(), track);
        _k.RmsNorm(x.DataArray, weight.DataArray, rows, cols, epsilon, y.DataArray);
        if (track)
        {
            Record(y, () => RmsNormBackward(x, weight, y, rows, cols, epsilon));
        }

        return y;
    }

    private void RmsNormBackward(Variable x, Variable weight, Variable y, int rows, int cols, float epsilon)
    {
        float[] dy = y.GradArray;
        float[] xd = x.DataArray;
        float[] w = weight.DataArray;
        float[] dw = weight.RequiresGrad ? GradOf(weight) : [];
        float[] dx = x.RequiresGrad ? GradOf(x) : [];
        float[] g = Rent(cols, clear: false);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> xr = xd.AsSpan(r * cols, cols);
            ReadOnlySpan<float> dyr = dy.AsSpan(r * cols, cols);
            float inv = 1f / MathF.Sqrt((TensorPrimitives.SumOfSquares(xr) / cols) + epsilon);
            if (weight.RequiresGrad)
            {
                // dw += dy ⊙ x · inv
                TensorPrimitives.Multiply(dyr, xr, g);
                TensorPrimitives.MultiplyAdd(g, inv, dw, dw);
            }

            if (x.RequiresGrad)
            {
                // dx += inv · (dy⊙w) − x · inv³/n · Σ(dy⊙w⊙x)
                TensorPrimitives.Multiply(dyr, w, g);
                float dot = TensorPrimitives.Dot(g, xr);
                Span<float> dxr = dx.AsSpan(r * cols, cols);
                TensorPrimitives.MultiplyAdd(g, inv, dxr, dxr);
                TensorPrimitives.MultiplyAdd(xr, -inv * inv * inv * dot / cols, dxr, dxr);
            }
        }
    }

    /// <summary>LayerNorm over the last dimension: <c>(x − mean) / sqrt(var + eps) · weight + bias</c>.</summary>
    /// <param name="x">[..., n]</param>
    /// <param name="weight">[n]</param>
    /// <param name="bias">[n], or null for none.</param>
    /// <param name="epsilon">Added to the (biased) variance.</param>
    /// <returns>Same shape as x.</returns>
    public Variable LayerNorm(Variable x, Variable weight, Variable? bias, float epsilon)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        int cols = x.Size(-1);
        int rows = x.Length / Math.Max(1, cols);
        if (weight.Length != cols || (bias is not null && bias.Length != cols))
        {
            throw new ArgumentException($"LayerNorm: weight and bias need {cols} elements.", nameof(weight));
        }

        bool track = _recording && (x.RequiresGrad || weight.RequiresGrad || (bias?.RequiresGrad ?? false));
        Variable y = NewVariable(x.Shape.ToArray(), track);
        _k.LayerNorm(x.DataArray, weight.DataArray, bias is null ? [] : bias.DataArray, rows, cols, epsilon, y.DataArray);
        if (track)
        {
            Record(y, () => LayerNormBackward(x, weight, bias, y, rows, cols, epsilon));
        }

        return y;
    }

    private void LayerNormBackward(Variable x, Variable weight, Variable? bias, Variable y, int rows, int cols, float epsilon)
    {
        float[] dy = y.GradArray;
        float[] xd = x.DataArray;
        float[] w = weight.DataArray;
        float[] xhat = Rent(cols, clear: false);
        float[] g = Rent(cols, clear: false);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> xr = xd.AsSpan(r * cols, cols);
            ReadOnlySpan<float> dyr = dy.AsSpan(r * cols, cols);
            float mean = TensorPrimitives.Sum(xr) / cols;
            TensorPrimitives.Subtract(xr, mean, xhat);
            float rstd = 1f / MathF.Sqrt((TensorPrimitives.SumOfSquares(xhat) / cols) + epsilon);
            TensorPrimitives.Multiply(xhat, rstd, xhat);
            if (weight.RequiresGrad)
            {
                float[] dw = GradOf(weight);
                TensorPrimitives.FusedMultiplyAdd(dyr, xhat, dw, dw);
            }

            if (bias is not null && bias.RequiresGrad)
            {
                float[] db = GradOf(bias);
                TensorPrimitives.Add(dyr, db, db);
            }

            if (x.RequiresGrad)
            {
                // dx += rstd · (g − mean(g) − x̂ · mean(g⊙x̂)), g = dy⊙w
                TensorPrimitives.Multiply(dyr, w, g);
                float meanG = TensorPrimitives.Sum(g) / cols;
                float meanGx = TensorPrimitives.Dot(g, xhat) / cols;
                Span<float> dxr = GradOf(x).AsSpan(r * cols, cols);
                for (int j = 0; j < cols; j++)
                {
                    dxr[j] += rstd * (g[j] - meanG - (xhat[j] * meanGx));
                }
            }
        }
    }
}
