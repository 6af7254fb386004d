using System.Numerics.Tensors;

namespace Myelin.Numerics.Quantization;

/// <summary>F16 (IEEE binary16) and BF16 (bfloat16) conversions, round-to-nearest-even, as GGUF stores them.</summary>
/// <remarks>Stateless and thread-safe. BF16 values are carried as their raw <see cref="ushort"/> bits.</remarks>
public static class FloatConversions
{
    /// <summary>Converts floats to F16 with round-to-nearest-even (vectorised by TensorPrimitives).</summary>
    /// <param name="x">[length]</param>
    /// <param name="destination">[length]</param>
    public static void ToHalf(ReadOnlySpan<float> x, Span<Half> destination) => TensorPrimitives.ConvertToHalf(x, destination);

    /// <summary>Converts F16 values to floats (exact).</summary>
    /// <param name="x">[length]</param>
    /// <param name="destination">[length]</param>
    public static void FromHalf(ReadOnlySpan<Half> x, Span<float> destination) => TensorPrimitives.ConvertToSingle(x, destination);

    /// <summary>One float to BF16 bits, round-to-nearest-even; NaNs stay quiet NaNs.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The upper 16 bits of the rounded float.</returns>
    public static ushort ToBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if ((bits & 0x7FFF_FFFF) > 0x7F80_0000)
        {
            // NaN: keep the sign and force a quiet-NaN payload so truncation cannot turn it into infinity.
            return (ushort)((bits >> 16) | 0x0040);
        }

        uint rounding = 0x7FFF + ((bits >> 16) & 1);
        return (ushort)((bits + rounding) >> 16);
    }

    /// <summary>BF16 bits to a float (exact).</summary>
    /// <param name="bits">The BF16 bits.</param>
    /// <returns>The value.</returns>
    public static float FromBFloat16(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary>Converts floats to BF16 bits with round-to-nearest-even.</summary>
    /// <param name="x">[length]</param>
    /// <param name="destination">[length]</param>
    public static void ToBFloat16(ReadOnlySpan<float> x, Span<ushort> destination)
    {
        if (destination.Length < x.Length)
        {
            throw new ArgumentException("The destination is too short.", nameof(destination));
        }

        for (int i = 0; i < x.Length; i++)
        {
            destination[i] = ToBFloat16(x[i]);
        }
    }

    /// <summary>Converts BF16 bits to floats (exact).</summary>
    /// <param name="x">[length]</param>
    /// <param name="destination">[length]</param>
    public static void FromBFloat16(ReadOnlySpan<ushort> x, Span<float> destination)
    {
        if (destination.Length < x.Length)
        {
            throw new ArgumentException("The destination is too short.", nameof(destination));
        }

        for (int i = 0; i < x.Length; i++)
        {
            destination[i] = FromBFloat16(x[i]);
        }
    }
}
