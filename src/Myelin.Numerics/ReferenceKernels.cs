using Myelin.Numerics.Internal;

namespace Myelin.Numerics;

/// <summary>
/// The plain scalar reference implementation of <see cref="IKernels"/>: straightforward loops, one thread,
/// float32 arithmetic in the textbook order. It defines what every optimised kernel must compute.
/// </summary>
/// <remarks>Stateless and thread-safe. Selected by the name <c>"reference"</c>.</remarks>
public sealed partial class ReferenceKernels : IKernels
{
    /// <summary>The shared instance.</summary>
    public static ReferenceKernels Instance { get; } = new();

    /// <inheritdoc />
    public string Name => "reference";

    /// <inheritdoc />
    public SimdLevel Level => SimdLevel.Scalar;

    /// <inheritdoc />
    public void CopyStreaming(ReadOnlySpan<float> source, Span<float> destination)
    {
        KernelChecks.Same(source.Length, destination.Length, nameof(destination));
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = source[i];
        }
    }

    /// <inheritdoc />
    public void Add(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
    {
        KernelChecks.Same(x.Length, y.Length, nameof(y));
        KernelChecks.Same(x.Length, destination.Length, nameof(destination));
        for (int i = 0; i < x.Length; i++)
        {
            destination[i] = x[i] + y[i];
        }
    }

    /// <inheritdoc />
    public void Multiply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
    {
        KernelChecks.Same(x.Length, y.Length, nameof(y));
        KernelChecks.Same(x.Length, destination.Length, nameof(destination));
        for (int i = 0; i < x.Length; i++)
        {
            destination[i] = x[i] * y[i];
        }
    }

    /// <inheritdoc />
    public void Scale(ReadOnlySpan<float> x, float alpha, Span<float> destination)
    {
        KernelChecks.Same(x.Length, destination.Length, nameof(destination));
        for (int i = 0; i < x.Length; i++)
        {
            destination[i] = alpha * x[i];
        }
    }

    /// <inheritdoc />
    public void Axpy(ReadOnlySpan<float> x, float alpha, Span<float> y)
    {
        KernelChecks.Same(x.Length, y.Length, nameof(y));
        for (int i = 0; i < x.Length; i++)
        {
            y[i] += alpha * x[i];
        }
    }

    /// <inheritdoc />
    public void Silu(ReadOnlySpan<float> x, Span<float> destination)
    {
        KernelChecks.Same(x.Length, destination.Length, nameof(destination));
        for (int i = 0; i < x.Length; i++)
        {
            destination[i] = ScalarMath.Silu(x[i]);
        }
    }

    /// <inheritdoc />
    public void Gelu(ReadOnlySpan<float> x, Span<float> destination, GeluApproximation approximation = GeluApproximation.Erf)
    {
        KernelChecks.Same(x.Length, destination.Length, nameof(destination));
        for (int i = 0; i < x.Length; i++)
        {
            destination[i] = approximation == GeluApproximation.Tanh ? ScalarMath.GeluTanh(x[i]) : ScalarMath.GeluErf(x[i]);
        }
    }

    /// <inheritdoc />
    public void SwiGlu(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> destination)
    {
        KernelChecks.Same(gate.Length, up.Length, nameof(up));
        KernelChecks.Same(gate.Length, destination.Length, nameof(destination));
        for (int i = 0; i < gate.Length; i++)
        {
            destination[i] = ScalarMath.Silu(gate[i]) * up[i];
        }
    }

    /// <inheritdoc />
    public float Sum(ReadOnlySpan<float> x)
    {
        float sum = 0f;
        foreach (float v in x)
        {
            sum += v;
        }

        return sum;
    }

    /// <inheritdoc />
    public float Max(ReadOnlySpan<float> x)
    {
        ArgumentOutOfRangeException.ThrowIfZero(x.Length, nameof(x));
        float max = x[0];
        foreach (float v in x)
        {
            if (float.IsNaN(v))
            {
                return v;
            }

            max = v > max ? v : max;
        }

        return max;
    }

    /// <inheritdoc />
    public int ArgMax(ReadOnlySpan<float> x)
    {
        int best = x.IsEmpty ? -1 : 0;
        for (int i = 1; i < x.Length; i++)
        {
            if (x[i] > x[best])
            {
                best = i;
            }
        }

        return best;
    }

    /// <inheritdoc />
    public void RowMean(ReadOnlySpan<float> x, int rows, int cols, Span<float> destination)
    {
        ThrowHelper.CheckLength(x.Length, (long)rows * cols, nameof(x));
        ThrowHelper.CheckLength(destination.Length, rows, nameof(destination));
        for (int r = 0; r < rows; r++)
        {
            destination[r] = cols == 0 ? float.NaN : Sum(x.Slice(r * cols, cols)) / cols;
        }
    }

    /// <inheritdoc />
    public void Softmax(ReadOnlySpan<float> x, int rows, int cols, Span<float> destination)
    {
        KernelChecks.Rows(x.Length, rows, cols, destination.Length);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = x.Slice(r * cols, cols);
            Span<float> dst = destination.Slice(r * cols, cols);
            float max = cols == 0 ? 0f : Max(row);
            float sum = 0f;
            for (int i = 0; i < cols; i++)
            {
                dst[i] = MathF.Exp(row[i] - max);
                sum += dst[i];
            }

            for (int i = 0; i < cols; i++)
            {
                dst[i] /= sum;
            }
        }
    }

    /// <inheritdoc />
    public void LogSoftmax(ReadOnlySpan<float> x, int rows, int cols, Span<float> destination)
    {
        KernelChecks.Rows(x.Length, rows, cols, destination.Length);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = x.Slice(r * cols, cols);
            Span<float> dst = destination.Slice(r * cols, cols);
            float max = cols == 0 ? 0f : Max(row);
            float sum = 0f;
            for (int i = 0; i < cols; i++)
            {
                sum += MathF.Exp(row[i] - max);
            }

            float logSum = MathF.Log(sum);
            for (int i = 0; i < cols; i++)
            {
                dst[i] = row[i] - max - logSum;
            }
        }
    }

    /// <inheritdoc />
    public void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, int rows, int cols, float epsilon, Span<float> destination)
    {
        KernelChecks.Rows(x.Length, rows, cols, destination.Length);
        ThrowHelper.CheckLength(weight.Length, cols, nameof(weight));
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = x.Slice(r * cols, cols);
            Span<float> dst = destination.Slice(r * cols, cols);
            float sumSq = 0f;
            for (int i = 0; i < cols; i++)
            {
                sumSq += row[i] * row[i];
            }

            float inv = 1f / MathF.Sqrt((sumSq / cols) + epsilon);
            for (int i = 0; i < cols; i++)
            {
                dst[i] = row[i] * inv * weight[i];
            }
        }
    }

    /// <inheritdoc />
    public void LayerNorm(
        ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int rows, int cols, float epsilon,
        Span<float> destination)
    {
        KernelChecks.Rows(x.Length, rows, cols, destination.Length);
        ThrowHelper.CheckLength(weight.Length, cols, nameof(weight));
        if (!bias.IsEmpty)
        {
            ThrowHelper.CheckLength(bias.Length, cols, nameof(bias));
        }

        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = x.Slice(r * cols, cols);
            Span<float> dst = destination.Slice(r * cols, cols);
            float mean = Sum(row) / cols;
            float var = 0f;
            for (int i = 0; i < cols; i++)
            {
                float d = row[i] - mean;
                var += d * d;
            }

            float inv = 1f / MathF.Sqrt((var / cols) + epsilon);
            for (int i = 0; i < cols; i++)
            {
                float b = bias.IsEmpty ? 0f : bias[i];
                dst[i] = ((row[i] - mean) * inv * weight[i]) + b;
            }
        }
    }

    /// <inheritdoc />
    public void Rope(Span<float> x, int tokens, int heads, int headDim, int positionOffset, float theta, RopeLayout layout)
    {
        RopeTables.Check(x.Length, tokens, heads, headDim);
        int half = headDim / 2;
        for (int t = 0; t < tokens; t++)
        {
            int position = positionOffset + t;
            for (int h = 0; h < heads; h++)
            {
                Span<float> head = x.Slice(((t * heads) + h) * headDim, headDim);
                for (int i = 0; i < half; i++)
                {
                    (float cos, float sin) = RopeTables.Angle(position, i, headDim, theta);
                    int i0 = layout == RopeLayout.NeoX ? i : 2 * i;
                    int i1 = layout == RopeLayout.NeoX ? i + half : (2 * i) + 1;
                    float a = head[i0];
                    float b = head[i1];
                    head[i0] = (a * cos) - (b * sin);
                    head[i1] = (a * sin) + (b * cos);
                }
            }
        }
    }
}
