using System.Runtime.CompilerServices;
using Myelin.Numerics.Internal;

namespace Myelin.Numerics.Quantization;

/// <summary>Quantisation to and from GGUF Q8_0 blocks, bit-exact with ggml's <c>quantize_row_q8_0_ref</c>.</summary>
/// <remarks>Stateless and thread-safe. Lengths must be multiples of 32.</remarks>
public static class Q8_0
{
    /// <summary>Quantises <paramref name="x"/>: per block d = amax / 127, q = round-half-away(x / d).</summary>
    /// <param name="x">[blocks * 32]</param>
    /// <param name="destination">[blocks]</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Quantize(ReadOnlySpan<float> x, Span<BlockQ8_0> destination)
    {
        int blocks = BlockCount(x.Length, BlockQ8_0.BlockSize);
        ThrowHelper.CheckLength(destination.Length, blocks, nameof(destination));
        for (int b = 0; b < blocks; b++)
        {
            ReadOnlySpan<float> src = x.Slice(b * BlockQ8_0.BlockSize, BlockQ8_0.BlockSize);
            float amax = 0f;
            foreach (float v in src)
            {
                amax = MathF.Max(amax, MathF.Abs(v));
            }

            float d = amax / 127f;
            float id = d != 0f ? 1f / d : 0f;
            ref BlockQ8_0 block = ref destination[b];
            block.Scale = (Half)d;
            for (int j = 0; j < BlockQ8_0.BlockSize; j++)
            {
                block.Quants[j] = (sbyte)MathF.Round(src[j] * id, MidpointRounding.AwayFromZero);
            }
        }
    }

    /// <summary>Expands blocks back to floats: x = d * q.</summary>
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

    internal static int BlockCount(int length, int blockSize)
    {
        if (length % blockSize != 0)
        {
            ThrowHelper.ThrowArgument($"The length must be a multiple of {blockSize}.", "x");
        }

        return length / blockSize;
    }
}
