namespace Myelin.Models.Formats;

/// <summary>Describes one tensor in a safetensors file.</summary>
/// <remarks>
/// <see cref="Shape"/> is row-major, outermost first (the PyTorch convention), unlike GGUF's innermost-first
/// dimensions. Offsets are relative to the start of the byte buffer that follows the JSON header. Immutable.
/// </remarks>
public sealed class SafetensorsTensorInfo
{
    private readonly long[] _shape;

    internal SafetensorsTensorInfo(string name, SafetensorsDType dtype, long[] shape, long begin, long end)
    {
        Name = name;
        DType = dtype;
        _shape = shape;
        Begin = begin;
        End = end;
    }

    /// <summary>Tensor name.</summary>
    public string Name { get; }

    /// <summary>Element type.</summary>
    public SafetensorsDType DType { get; }

    /// <summary>Shape, outermost first.</summary>
    public ReadOnlySpan<long> Shape => _shape;

    /// <summary>Start of the data, relative to the byte buffer.</summary>
    public long Begin { get; }

    /// <summary>End (exclusive) of the data, relative to the byte buffer.</summary>
    public long End { get; }

    /// <summary>Size of the data in bytes.</summary>
    public long ByteSize => End - Begin;

    /// <summary>Bytes per element of a dtype.</summary>
    /// <param name="dtype">The dtype.</param>
    /// <returns>4 for F32, 2 for F16 and BF16.</returns>
    public static int ElementSize(SafetensorsDType dtype) => dtype == SafetensorsDType.F32 ? 4 : 2;

    /// <inheritdoc />
    public override string ToString() => $"{Name} {DType} [{string.Join(", ", _shape)}] @ {Begin}..{End}";
}
