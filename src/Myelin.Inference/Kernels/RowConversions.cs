using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using Myelin.Models.Formats;
using Myelin.Numerics.Quantization;

namespace Myelin.Inference.Kernels;

/// <summary>Converts one stored weight row to float32 (for embeddings and the F16/BF16 row-wise products).</summary>
internal static unsafe class RowConversions
{
    /// <summary>Decodes <paramref name="cols"/> values of <paramref name="type"/> starting at <paramref name="row"/>.</summary>
    public static void ToSingle(byte* row, GgmlType type, int cols, Span<float> destination)
    {
        switch (type)
        {
            case GgmlType.F32:
                new ReadOnlySpan<float>(row, cols).CopyTo(destination);
                break;
            case GgmlType.F16:
                TensorPrimitives.ConvertToSingle(new ReadOnlySpan<Half>(row, cols), destination[..cols]);
                break;
            case GgmlType.BF16:
                BFloat16ToSingle(new ReadOnlySpan<ushort>(row, cols), destination[..cols]);
                break;
            case GgmlType.Q8_0:
                Q8_0.Dequantize(new ReadOnlySpan<BlockQ8_0>(row, cols / BlockQ8_0.BlockSize), destination[..cols]);
                break;
            case GgmlType.Q4_0:
                Q4_0.Dequantize(new ReadOnlySpan<BlockQ4_0>(row, cols / BlockQ4_0.BlockSize), destination[..cols]);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "Unsupported weight type.");
        }
    }

    /// <summary>BF16 bits to floats: each value is its bits shifted into the top half of a float (exact).</summary>
    public static void BFloat16ToSingle(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Span<uint> bits = System.Runtime.InteropServices.MemoryMarshal.Cast<float, uint>(destination);
            for (; i <= source.Length - Vector256<ushort>.Count; i += Vector256<ushort>.Count)
            {
                Vector256<ushort> v = Vector256.Create(source.Slice(i, Vector256<ushort>.Count));
                (Vector256<uint> lo, Vector256<uint> hi) = Vector256.Widen(v);
                Vector256.ShiftLeft(lo, 16).CopyTo(bits.Slice(i));
                Vector256.ShiftLeft(hi, 16).CopyTo(bits.Slice(i + Vector256<uint>.Count));
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] = BitConverter.UInt32BitsToSingle((uint)source[i] << 16);
        }
    }
}
