using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Myelin.Numerics.Internal;

namespace Myelin.Numerics.Autograd.Internal;

/// <summary>
/// Backward kernels for element-wise ops. Each accumulates into its destination (<c>dx += ...</c>), because a
/// variable used twice receives the sum of both gradients. Loops use <see cref="Vector{T}"/> over the bulk and a
/// scalar remainder; each has the scalar formula next to it so the two can be checked against each other.
/// </summary>
internal static class GradKernels
{
    /// <summary>dst[i] += x[i] * y[i].</summary>
    public static void MultiplyAdd(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> dst) =>
        TensorPrimitives.FusedMultiplyAdd(x, y, dst, dst);

    /// <summary>dx += dy · σ(x)(1 + x(1 − σ(x))); <paramref name="scratch"/> receives σ(x).</summary>
    public static void SiluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, Span<float> scratch)
    {
        Span<float> s = scratch[..x.Length];
        TensorPrimitives.Sigmoid(x, s);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ref float xr = ref MemoryMarshal.GetReference(x);
            ref float dyr = ref MemoryMarshal.GetReference(dy);
            ref float dxr = ref MemoryMarshal.GetReference(dx);
            ref float sr = ref MemoryMarshal.GetReference(s);
            var one = Vector<float>.One;
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var xv = Vector.LoadUnsafe(ref xr, (nuint)i);
                var sv = Vector.LoadUnsafe(ref sr, (nuint)i);
                var g = sv * (one + (xv * (one - sv)));
                (Vector.LoadUnsafe(ref dxr, (nuint)i) + (Vector.LoadUnsafe(ref dyr, (nuint)i) * g)).StoreUnsafe(ref dxr, (nuint)i);
            }
        }

        for (; i < x.Length; i++)
        {
            float si = s[i];
            dx[i] += dy[i] * si * (1f + (x[i] * (1f - si)));
        }
    }

    /// <summary>dx += dy · σ(1 − σ) given y = σ.</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < y.Length; i++)
        {
            dx[i] += dy[i] * y[i] * (1f - y[i]);
        }
    }

    /// <summary>dx += dy · (1 − y²) given y = tanh.</summary>
    public static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < y.Length; i++)
        {
            dx[i] += dy[i] * (1f - (y[i] * y[i]));
        }
    }

    /// <summary>dx += dy · gelu'(x).</summary>
    public static void GeluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, GeluApproximation approximation)
    {
        const float InvSqrt2 = 0.70710678118654752f;
        const float InvSqrt2Pi = 0.39894228040143268f;
        const float C = 0.79788456080286536f; // sqrt(2/pi)
        const float A = 0.044715f;
        for (int i = 0; i < x.Length; i++)
        {
            float v = x[i];
            float d;
            if (approximation == GeluApproximation.Erf)
            {
                // Φ(x) + x φ(x)
                d = (0.5f * (1f + ScalarMath.Erf(v * InvSqrt2))) + (v * InvSqrt2Pi * MathF.Exp(-0.5f * v * v));
            }
            else
            {
                float t = MathF.Tanh(C * (v + (A * v * v * v)));
                d = (0.5f * (1f + t)) + (0.5f * v * (1f - (t * t)) * C * (1f + (3f * A * v * v)));
            }

            dx[i] += dy[i] * d;
        }
    }

    /// <summary>Sum over rows: dst[c] += Σ_r src[r, c].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddRows(ReadOnlySpan<float> src, int cols, Span<float> dst)
    {
        for (int o = 0; o < src.Length; o += cols)
        {
            TensorPrimitives.Add(src.Slice(o, cols), dst, dst);
        }
    }
}
