namespace Myelin.Models.Formats;

/// <summary>Describes one tensor in a GGUF file.</summary>
/// <remarks>
/// <see cref="Dimensions"/> are in ggml order: innermost (fastest-varying) first. A PyTorch-style weight of
/// shape <c>[out, in]</c> is stored with dimensions <c>[in, out]</c>. Instances are immutable.
/// </remarks>
public sealed class GgufTensorInfo
{
    private readonly long[] _dimensions;

    /// <summary>Creates a tensor description.</summary>
    /// <param name="name">Tensor name, e.g. <c>blk.0.attn_q.weight</c>.</param>
    /// <param name="dimensions">Dimensions, innermost first (1 to 4 of them); copied.</param>
    /// <param name="type">Element type.</param>
    /// <param name="offset">Byte offset of the data, relative to the start of the data section.</param>
    public GgufTensorInfo(string name, ReadOnlySpan<long> dimensions, GgmlType type, long offset)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        _dimensions = dimensions.ToArray();
        Type = type;
        Offset = offset;
        ByteSize = GgmlTypeTraits.ByteSize(type, dimensions);
        long n = 1;
        foreach (long d in _dimensions)
        {
            n *= d;
        }

        ElementCount = n;
    }

    /// <summary>Tensor name.</summary>
    public string Name { get; }

    /// <summary>Dimensions, innermost first.</summary>
    public ReadOnlySpan<long> Dimensions => _dimensions;

    /// <summary>Element type.</summary>
    public GgmlType Type { get; }

    /// <summary>Byte offset of the data relative to the start of the data section (a multiple of the file's alignment).</summary>
    public long Offset { get; }

    /// <summary>Size of the tensor's data in bytes.</summary>
    public long ByteSize { get; }

    /// <summary>Number of elements (product of the dimensions).</summary>
    public long ElementCount { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Name} {Type} [{string.Join(", ", _dimensions)}] @ {Offset}";
}
