namespace Myelin.Models.Formats;

/// <summary>Block geometry of the supported <see cref="GgmlType"/> values.</summary>
/// <remarks>All members are pure functions and thread-safe.</remarks>
public static class GgmlTypeTraits
{
    /// <summary>Whether <paramref name="type"/> is one of the types Myelin supports.</summary>
    /// <param name="type">A ggml type id, possibly read from an untrusted file.</param>
    /// <returns><see langword="true"/> for F32, F16, BF16, Q8_0 and Q4_0.</returns>
    public static bool IsSupported(GgmlType type) =>
        type is GgmlType.F32 or GgmlType.F16 or GgmlType.BF16 or GgmlType.Q8_0 or GgmlType.Q4_0;

    /// <summary>Number of elements in one block (1 for the float types, 32 for the quantised ones).</summary>
    /// <param name="type">A supported type.</param>
    /// <returns>The block size in elements.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="type"/> is not supported.</exception>
    public static int BlockSize(GgmlType type) => type switch
    {
        GgmlType.F32 or GgmlType.F16 or GgmlType.BF16 => 1,
        GgmlType.Q8_0 or GgmlType.Q4_0 => 32,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unsupported ggml type."),
    };

    /// <summary>Number of bytes in one block.</summary>
    /// <param name="type">A supported type.</param>
    /// <returns>4 for F32, 2 for F16/BF16, 34 for Q8_0, 18 for Q4_0.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="type"/> is not supported.</exception>
    public static int BlockBytes(GgmlType type) => type switch
    {
        GgmlType.F32 => 4,
        GgmlType.F16 or GgmlType.BF16 => 2,
        GgmlType.Q8_0 => 34,
        GgmlType.Q4_0 => 18,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unsupported ggml type."),
    };

    /// <summary>
    /// Bytes needed for a tensor of <paramref name="type"/> with the given dimensions (ggml order: innermost first).
    /// </summary>
    /// <param name="type">A supported type.</param>
    /// <param name="dimensions">Dimensions, innermost first; the innermost must be a multiple of the block size.</param>
    /// <returns>The tensor's size in bytes.</returns>
    /// <exception cref="ArgumentException">The innermost dimension is not a multiple of the block size, or a dimension is negative.</exception>
    /// <exception cref="OverflowException">The size does not fit in a 64-bit integer.</exception>
    public static long ByteSize(GgmlType type, ReadOnlySpan<long> dimensions)
    {
        long elements = 1;
        for (int i = 0; i < dimensions.Length; i++)
        {
            if (dimensions[i] < 0)
            {
                throw new ArgumentException($"Dimension {i} is negative ({dimensions[i]}).", nameof(dimensions));
            }

            elements = checked(elements * dimensions[i]);
        }

        int block = BlockSize(type);
        long inner = dimensions.Length == 0 ? 1 : dimensions[0];
        if (inner % block != 0)
        {
            throw new ArgumentException(
                $"The innermost dimension ({inner}) of a {type} tensor must be a multiple of {block}.", nameof(dimensions));
        }

        return checked(elements / block * BlockBytes(type));
    }
}
