using Myelin.Models.Formats.Internal;

namespace Myelin.Models.Formats;

/// <summary>
/// A GGUF file opened for reading through a read-only memory mapping. Metadata and tensor descriptions are
/// parsed and validated up front; tensor data is exposed in place, without copying.
/// </summary>
/// <remarks>
/// <para>
/// Validation covers the magic, the version (2 or 3, little-endian), every length and count against the file
/// size, UTF-8 in strings, duplicate keys and tensor names, value and tensor types, the alignment, and each
/// tensor's offset and size against the data section. Any problem raises <see cref="ModelFormatException"/>;
/// hostile input cannot make the reader allocate more than the file size or read outside the mapping.
/// </para>
/// <para>
/// Thread-safety: after <see cref="Open"/> returns, all members may be called concurrently. Spans and pointers
/// returned by <see cref="GetTensorData(GgufTensorInfo)"/> and <see cref="GetTensorPointer"/> are valid only
/// until <see cref="Dispose"/>; the caller must not use them afterwards. If another process truncates the file
/// while it is mapped, reading the lost pages faults; that cannot be guarded against from managed code.
/// </para>
/// </remarks>
public sealed unsafe partial class GgufFile : IDisposable
{
    /// <summary>The magic number, the bytes <c>GGUF</c> read as a little-endian <see cref="uint"/>.</summary>
    public const uint Magic = 0x46554747;

    /// <summary>The version this library writes.</summary>
    public const uint CurrentVersion = 3;

    /// <summary>The alignment of the data section and of every tensor when <see cref="AlignmentKey"/> is absent.</summary>
    public const int DefaultAlignment = 32;

    /// <summary>The metadata key that overrides the alignment (a <see cref="GgufValueType.UInt32"/>).</summary>
    public const string AlignmentKey = "general.alignment";

    /// <summary>The largest number of dimensions a tensor may have (ggml's <c>GGML_MAX_DIMS</c>).</summary>
    public const int MaxDimensions = 4;

    private readonly MappedFile _file;
    private readonly Dictionary<string, GgufValue> _metadata;
    private readonly string[] _metadataKeys;
    private readonly GgufTensorInfo[] _tensors;
    private readonly Dictionary<string, GgufTensorInfo> _tensorsByName;

    private GgufFile(
        MappedFile file, uint version, int alignment, long dataOffset,
        Dictionary<string, GgufValue> metadata, string[] metadataKeys, GgufTensorInfo[] tensors)
    {
        _file = file;
        Version = version;
        Alignment = alignment;
        DataOffset = dataOffset;
        _metadata = metadata;
        _metadataKeys = metadataKeys;
        _tensors = tensors;
        _tensorsByName = new Dictionary<string, GgufTensorInfo>(tensors.Length, StringComparer.Ordinal);
        foreach (GgufTensorInfo t in tensors)
        {
            _tensorsByName.Add(t.Name, t);
        }
    }

    /// <summary>The file's format version.</summary>
    public uint Version { get; }

    /// <summary>The alignment in bytes of the data section and of each tensor's offset.</summary>
    public int Alignment { get; }

    /// <summary>Absolute byte offset of the data section in the file.</summary>
    public long DataOffset { get; }

    /// <summary>Total size of the file in bytes.</summary>
    public long FileLength => _file.Length;

    /// <summary>Metadata values by key.</summary>
    public IReadOnlyDictionary<string, GgufValue> Metadata => _metadata;

    /// <summary>Metadata keys in file order.</summary>
    public IReadOnlyList<string> MetadataKeys => _metadataKeys;

    /// <summary>Tensor descriptions in file order.</summary>
    public IReadOnlyList<GgufTensorInfo> Tensors => _tensors;

    /// <summary>Opens and validates a GGUF file.</summary>
    /// <param name="path">Path of the file.</param>
    /// <returns>The open file; dispose it to unmap.</returns>
    /// <exception cref="ModelFormatException">The file is not valid GGUF or uses an unsupported feature.</exception>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public static GgufFile Open(string path)
    {
        MappedFile file = MappedFile.Open(path, "GGUF");
        try
        {
            return Parse(file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Looks up a tensor by name.</summary>
    /// <param name="name">Tensor name.</param>
    /// <param name="tensor">The tensor description, if found.</param>
    /// <returns>Whether the tensor exists.</returns>
    public bool TryGetTensor(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out GgufTensorInfo? tensor) =>
        _tensorsByName.TryGetValue(name, out tensor);

    /// <summary>Gets a tensor by name.</summary>
    /// <param name="name">Tensor name.</param>
    /// <returns>The tensor description.</returns>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    public GgufTensorInfo GetTensor(string name) => _tensorsByName.TryGetValue(name, out GgufTensorInfo? t)
        ? t
        : throw new KeyNotFoundException($"GGUF file has no tensor named '{name}'.");

    /// <summary>The tensor's bytes, in place in the mapping.</summary>
    /// <param name="tensor">A tensor from <see cref="Tensors"/>.</param>
    /// <returns>A span over the mapped bytes, valid until <see cref="Dispose"/>.</returns>
    /// <exception cref="NotSupportedException">The tensor is 2 GiB or larger; use <see cref="GetTensorPointer"/>.</exception>
    public ReadOnlySpan<byte> GetTensorData(GgufTensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.ByteSize > int.MaxValue)
        {
            throw new NotSupportedException($"Tensor '{tensor.Name}' is {tensor.ByteSize} bytes; use GetTensorPointer.");
        }

        return new ReadOnlySpan<byte>(GetTensorPointer(tensor), (int)tensor.ByteSize);
    }

    /// <summary>The tensor's bytes, in place in the mapping.</summary>
    /// <param name="name">Tensor name.</param>
    /// <returns>A span over the mapped bytes, valid until <see cref="Dispose"/>.</returns>
    public ReadOnlySpan<byte> GetTensorData(string name) => GetTensorData(GetTensor(name));

    /// <summary>Pointer to the tensor's first byte in the mapping (for tensors of any size).</summary>
    /// <param name="tensor">A tensor from <see cref="Tensors"/>.</param>
    /// <returns>A pointer valid for <see cref="GgufTensorInfo.ByteSize"/> bytes until <see cref="Dispose"/>.</returns>
    /// <exception cref="ArgumentException">The tensor does not belong to this file.</exception>
    public byte* GetTensorPointer(GgufTensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!_tensorsByName.TryGetValue(tensor.Name, out GgufTensorInfo? own) || !ReferenceEquals(own, tensor))
        {
            throw new ArgumentException($"Tensor '{tensor.Name}' does not belong to this file.", nameof(tensor));
        }

        return _file.Pointer + DataOffset + tensor.Offset;
    }

    /// <summary>Looks up a metadata value.</summary>
    /// <param name="key">Metadata key.</param>
    /// <param name="value">The value, if present.</param>
    /// <returns>Whether the key exists.</returns>
    public bool TryGetMetadata(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out GgufValue? value) =>
        _metadata.TryGetValue(key, out value);

    /// <summary>Unmaps the file. Spans and pointers previously returned become invalid.</summary>
    public void Dispose() => _file.Dispose();
}
