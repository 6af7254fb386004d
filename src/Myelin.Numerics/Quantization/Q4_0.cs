using System.Runtime.CompilerServices;
using Myelin.Numerics.Internal;

namespace Myelin.Numerics.Quantization;

/// <summary>Quantisation to and from GGUF Q4_0 blocks, bit-exact with ggml's <c>quantize_row_q4_0_ref</c>.</summary>
/// <remarks>Stateless and thread-safe. Lengths must be multiples of 32.</remarks>
public static class Q4_0
{
    /// <summary>
    /// Quantises <paramref name="x"/>: per block, max = the element of largest magnitude (first one on ties,
    /// sign kept), d = max / -8, q = min(15, trunc(x / d + 8.5)); element j goes to the low nibble of byte j
    /// and element j + 16 to its high nibble.
    /// </summary>
    /// <param name="x">[blocks * 32]</param>
    /// <param name="destination">[blocks]</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Quantize(ReadOnlySpan<float> x, Span<BlockQ4_0> destination)
    {
        int blocks = Q8_0.BlockCount(x.Length, BlockQ4_0.BlockSize);
        ThrowHelper.CheckLength(destination.Length, blocks, nameof(destination));
        for (int b = 0; b < blocks; b++)
        {
            ReadOnlySpan<float> src = x.Slice(b * BlockQ4_0.BlockSize, BlockQ4_0.BlockSize);
            float amax = 0f;
            float max = 0f;
            foreach (float v in src)
            {
                if (amax < MathF.Abs(v))
                {
                    amax = MathF.Abs(v);
                    max = v;
                }
            }

            float d = max / -8f;
            float id = d != 0f ? 1f / d : 0f;
            ref BlockQ4_0 block = ref destination[b];
            block.Scale = (Half)d;
            for (int j = 0; j < BlockQ4_0.BlockSize / 2; j++)
            {
                // (sbyte) truncates toward zero exactly like ggml's (int8_t) cast; the argument is in [0.5, 16.5].
                int lo = Math.Min(15, (int)(sbyte)((src[j] * id) + 8.5f));
                int hi = Math.Min(15, (int)(sbyte)((src[j + 16] * id) + 8.5f));
                block.Quants[j] = (byte)(lo | (hi << 4));
            }
        }
    }

    /// <summary>Expands blocks back to floats: x = d * (q - 8).</summary>
    /// <param name="blocks">[blocks]</param>
    /// <param name="destination">[blocks * 32]</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dequantize(ReadOnlySpan<BlockQ4_0> blocks, Span<float> destination)
    {
        ThrowHelper.CheckLength(destination.Length, (long)blocks.Length * BlockQ4_0.BlockSize, nameof(destination));
        for (int b = 0; b < blocks.Length; b++)
        {
            float d = (float)blocks[b].Scale;
            Span<float> dst = destination.Slice(b * BlockQ4_0.BlockSize, BlockQ4_0.BlockSize);
            for (int j = 0; j < BlockQ4_0.BlockSize / 2; j++)
            {
                byte packed = blocks[b].Quants[j];
                dst[j] = ((packed & 0x0F) - 8) * d;
                dst[j + 16] = ((packed >> 4) - 8) * d;
            }
        }
    }
}
