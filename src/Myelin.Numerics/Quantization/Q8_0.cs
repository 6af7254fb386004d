using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Myelin.Numerics.Internal;

namespace Myelin.Numerics.Quantization;

/// <summary>Quantisation to and from GGUF Q8_0 blocks, bit-exact with ggml's <c>quantize_row_q8_0_ref</c>.</summary>
/// <remarks>Stateless and thread-safe. Lengths must be multiples of 32.</remarks>
public static class Q8_0
{
    /// <summary>Quantises <paramref name="x"/>: per block d = amax / 127, q = round-half-away(x / d).</summary>
    /// <param name="x">[blocks * 32]</param>
    /// <param name="destination">[blocks]</param>
    /// <remarks>
    /// With 256-bit vectors a block is four loads, one max of absolute values, and a vector rounding that is exact:
    /// q = trunc(v) + sign(v) when |v - trunc(v)| ≥ 0.5 (the difference is exact in float), the same integers as the
    /// scalar <see cref="MathF.Round(float, MidpointRounding)"/>. A block whose maximum is not finite takes the scalar
    /// formula. Prefill quantises every token's activation before each product, on one thread, so this loop showed as
    /// about 9% of a 1.5k-token prefill while it was scalar.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Quantize(ReadOnlySpan<float> x, Span<BlockQ8_0> destination)
    {
        int blocks = BlockCount(x.Length, BlockQ8_0.BlockSize);
        ThrowHelper.CheckLength(destination.Length, blocks, nameof(destination));
        for (int b = 0; b < blocks; b++)
        {
            ReadOnlySpan<float> src = x.Slice(b * BlockQ8_0.BlockSize, BlockQ8_0.BlockSize);
            if (!Vector256.IsHardwareAccelerated || !TryQuantizeVector(src, ref destination[b]))
            {
                QuantizeScalar(src, ref destination[b]);
            }
        }
    }

    /// <summary>Expands blocks back to floats: x = d * q.</summary>    /// <summary>Expands blocks back to floats: x = d * q.</summary>
    /// <param name="blocks">[blocks]</param>
    /// <param name="destination">[blocks * 32]</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dequantize(ReadOnlySpan<BlockQ8_0> blocks, Span<float> destination)
    {
        ThrowHelper.CheckLength(destination.Length, (long)blocks.Length * BlockQ8_0.BlockSize, nameof(destination));
        for (int b = 0; b < blocks.Length; b++)
        {
            float d = (float)blocks[b].Scale;
            for (int j = 0; j < BlockQ8_0.BlockSize; j++)
            {
                destination[(b * BlockQ8_0.BlockSize) + j] = d * blocks[b].Quants[j];
            }
        }
    }

    private static void QuantizeScalar(ReadOnlySpan<float> src, ref BlockQ8_0 block)
    {
        float amax = 0f;
        foreach (float v in src)
        {
            amax = MathF.Max(amax, MathF.Abs(v));
        }

        float d = amax / 127f;
        float id = d != 0f ? 1f / d : 0f;
        block.Scale = (Half)d;
        for (int j = 0; j < BlockQ8_0.BlockSize; j++)
        {
            block.Quants[j] = (sbyte)MathF.Round(src[j] * id, MidpointRounding.AwayFromZero);
        }
    }

    /// <summary>The vector twin of <see cref="QuantizeScalar"/>; false (nothing written) when the block's maximum is not finite.</summary>
    private static bool TryQuantizeVector(ReadOnlySpan<float> src, ref BlockQ8_0 block)
    {
        ref float first = ref MemoryMarshal.GetReference(src);
        Vector256<float> v0 = Vector256.LoadUnsafe(ref first);
        Vector256<float> v1 = Vector256.LoadUnsafe(ref first, 8);
        Vector256<float> v2 = Vector256.LoadUnsafe(ref first, 16);
        Vector256<float> v3 = Vector256.LoadUnsafe(ref first, 24);
        Vector256<float> m = Vector256.Max(
            Vector256.Max(Vector256.Abs(v0), Vector256.Abs(v1)), Vector256.Max(Vector256.Abs(v2), Vector256.Abs(v3)));
        float amax = 0f;
        for (int i = 0; i < Vector256<float>.Count; i++)
        {
            amax = MathF.Max(amax, m.GetElement(i));
        }

        if (!float.IsFinite(amax))
        {
            return false;
        }

        float d = amax / 127f;
        float id = d != 0f ? 1f / d : 0f;
        block.Scale = (Half)d;
        Vector256<float> scale = Vector256.Create(id);
        Vector256<short> low = Vector256.Narrow(RoundAway(v0 * scale), RoundAway(v1 * scale));
        Vector256<short> high = Vector256.Narrow(RoundAway(v2 * scale), RoundAway(v3 * scale));
        Vector256.Narrow(low, high).StoreUnsafe(ref Unsafe.As<QuantsQ8_0, sbyte>(ref block.Quants));
        return true;
    }

    /// <summary>Round half away from zero, exactly: trunc(v) plus sign(v) when the dropped fraction is at least one half.</summary>
    private static Vector256<int> RoundAway(Vector256<float> v)
    {
        Vector256<float> whole = Vector256.Truncate(v);
        Vector256<float> up = Vector256.GreaterThanOrEqual(Vector256.Abs(v - whole), Vector256.Create(0.5f));
        return Vector256.ConvertToInt32(whole + (up & Vector256.CopySign(Vector256<float>.One, v)));
    }

    internal static int BlockCount(int length, int blockSize)
    {
        if (length % blockSize != 0)
        {
            ThrowHelper.ThrowArgument($"The length must be a multiple of {blockSize}.", "x");
        }

        return length / blockSize;
    }
}
