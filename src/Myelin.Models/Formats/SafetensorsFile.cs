using System.Text.Json;
using Myelin.Models.Formats.Internal;

namespace Myelin.Models.Formats;

/// <summary>
/// A safetensors file opened for reading through a read-only memory mapping: an 8-byte little-endian header
/// length, a JSON header naming each tensor's dtype, shape and byte range, then the raw bytes.
/// </summary>
/// <remarks>
/// <para>
/// Validation follows the reference implementation: the header length must fit in the file (and be at most
/// 100 MB), the header must be a JSON object, every tensor needs a known dtype, a non-negative shape and
/// <c>data_offsets</c> whose length equals the element count times the element size, and the byte ranges must
/// tile the buffer exactly (no gaps, no overlaps, nothing past the end). Problems raise
/// <see cref="ModelFormatException"/>.
/// </para>
/// <para>
/// Thread-safety: all members may be called concurrently. Returned spans are valid only until <see cref="Dispose"/>.
/// </para>
/// </remarks>
public sealed unsafe class SafetensorsFile : IDisposable
{
    /// <summary>The JSON key holding free-form string metadata.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>The largest header the reader accepts, in bytes.</summary>
    public const long MaxHeaderLength = 100_000_000;

    private readonly MappedFile _file;
    private readonly SafetensorsTensorInfo[] _tensors;
    private readonly Dictionary<string, SafetensorsTensorInfo> _byName;

    private SafetensorsFile(MappedFile file, long dataOffset, SafetensorsTensorInfo[] tensors, Dictionary<string, string> metadata)
    {
        _file = file;
        DataOffset = dataOffset;
        _tensors = tensors;
        Metadata = metadata;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>Absolute offset of the byte buffer in the file.</summary>
    public long DataOffset { get; }

    /// <summary>Tensors, ordered by their position in the byte buffer.</summary>
    public IReadOnlyList<SafetensorsTensorInfo> Tensors => _tensors;

    /// <summary>The <c>__metadata__</c> string map (empty if absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Opens and validates a safetensors file.</summary>
    /// <param name="path">Path of the file.</param>
    /// <returns>The open file; dispose it to unmap.</returns>
    /// <exception cref="ModelFormatException">The file is not valid safetensors or uses an unsupported dtype.</exception>
    public static SafetensorsFile Open(string path)
    {
        MappedFile file = MappedFile.Open(path, "safetensors");
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

    /// <summary>Gets a tensor by name.</summary>
    /// <param name="name">Tensor name.</param>
    /// <returns>The tensor description.</returns>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    public SafetensorsTensorInfo GetTensor(string name) => _byName.TryGetValue(name, out SafetensorsTensorInfo? t)
        ? t
        : throw new KeyNotFoundException($"safetensors file has no tensor named '{name}'.");

    /// <summary>Looks up a tensor by name.</summary>
    /// <param name="name">Tensor name.</param>
    /// <param name="tensor">The tensor, if found.</param>
    /// <returns>Whether it exists.</returns>
    public bool TryGetTensor(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SafetensorsTensorInfo? tensor) =>
        _byName.TryGetValue(name, out tensor);

    /// <summary>The tensor's bytes in place in the mapping.</summary>
    /// <param name="tensor">A tensor of this file.</param>
    /// <returns>A span valid until <see cref="Dispose"/>.</returns>
    /// <exception cref="NotSupportedException">The tensor is 2 GiB or larger.</exception>
    public ReadOnlySpan<byte> GetTensorData(SafetensorsTensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!_byName.TryGetValue(tensor.Name, out SafetensorsTensorInfo? own) || !ReferenceEquals(own, tensor))
        {
            throw new ArgumentException($"Tensor '{tensor.Name}' does not belong to this file.", nameof(tensor));
        }

        if (tensor.ByteSize > int.MaxValue)
        {
            throw new NotSupportedException($"Tensor '{tensor.Name}' is {tensor.ByteSize} bytes, too large for a span.");
        }

        return new ReadOnlySpan<byte>(_file.Pointer + DataOffset + tensor.Begin, (int)tensor.ByteSize);
    }

    /// <summary>The tensor's bytes in place in the mapping.</summary>
    /// <param name="name">Tensor name.</param>
    /// <returns>A span valid until <see cref="Dispose"/>.</returns>
    public ReadOnlySpan<byte> GetTensorData(string name) => GetTensorData(GetTensor(name));

    /// <summary>Unmaps the file.</summary>
    public void Dispose() => _file.Dispose();

    private static SafetensorsFile Parse(MappedFile file)
    {
        if (file.Length < 8)
        {
            throw new ModelFormatException($"safetensors file is truncated: {file.Length} bytes, fewer than the 8-byte header length.");
        }

        ulong headerLength = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(file.Pointer, 8));
        if (headerLength > MaxHeaderLength || headerLength > (ulong)(file.Length - 8))
        {
            throw new ModelFormatException(
                $"safetensors header length {headerLength} exceeds the file ({file.Length} bytes) or the {MaxHeaderLength}-byte limit.");
        }

        var json = new ReadOnlySpan<byte>(file.Pointer + 8, (int)headerLength);
        long dataOffset = 8 + (long)headerLength;
        long dataLength = file.Length - dataOffset;
        var tensors = new List<SafetensorsTensorInfo>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 8 });
            using JsonDocument doc = JsonDocument.ParseValue(ref reader);
            foreach (byte b in json[(int)reader.BytesConsumed..])
            {
                if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
                {
                    throw new ModelFormatException("safetensors header has bytes after the JSON object other than whitespace padding.");
                }
            }

            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ModelFormatException("safetensors header is not a JSON object.");
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty p in doc.RootElement.EnumerateObject())
            {
                if (!seen.Add(p.Name))
                {
                    throw new ModelFormatException($"safetensors header names '{p.Name}' more than once.");
                }

                if (p.Name == MetadataKey)
                {
                    ReadMetadata(p.Value, metadata);
                }
                else
                {
                    tensors.Add(ReadTensor(p.Name, p.Value));
                }
            }
        }
        catch (JsonException e)
        {
            throw new ModelFormatException($"safetensors header is not valid JSON: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            throw new ModelFormatException($"safetensors header has an invalid string: {e.Message}", e);
        }

        tensors.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long cursor = 0;
        foreach (SafetensorsTensorInfo t in tensors)
        {
            if (t.Begin != cursor)
            {
                throw new ModelFormatException(
                    $"safetensors tensor '{t.Name}' starts at {t.Begin} but the previous tensor ends at {cursor}; ranges must tile the buffer.");
            }

            cursor = t.End;
        }

        if (cursor != dataLength)
        {
            throw new ModelFormatException(
                $"safetensors tensors cover {cursor} bytes but the buffer after the header has {dataLength}; the file is truncated or padded.");
        }

        return new SafetensorsFile(file, dataOffset, [.. tensors], metadata);
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new ModelFormatException($"safetensors '{MetadataKey}' is not a JSON object.");
        }

        foreach (JsonProperty m in value.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.String)
            {
                throw new ModelFormatException($"safetensors metadata '{m.Name}' is not a string.");
            }

            metadata[m.Name] = m.Value.GetString()!;
        }
    }

    private static SafetensorsTensorInfo ReadTensor(string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out JsonElement dtypeEl) || dtypeEl.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out JsonElement shapeEl) || shapeEl.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out JsonElement offEl) || offEl.ValueKind != JsonValueKind.Array)
        {
            throw new ModelFormatException($"safetensors tensor '{name}' needs a string 'dtype', an array 'shape' and an array 'data_offsets'.");
        }

        SafetensorsDType dtype = dtypeEl.GetString() switch
        {
            "F32" => SafetensorsDType.F32,
            "F16" => SafetensorsDType.F16,
            "BF16" => SafetensorsDType.BF16,
            string other => throw new ModelFormatException($"safetensors tensor '{name}' has dtype '{other}'; F32, F16 and BF16 are supported."),
            null => throw new ModelFormatException($"safetensors tensor '{name}' has a null dtype."),
        };

        int rank = shapeEl.GetArrayLength();
        if (rank > 8)
        {
            throw new ModelFormatException($"safetensors tensor '{name}' has {rank} dimensions; at most 8 are supported.");
        }

        var shape = new long[rank];
        long elements = 1;
        for (int i = 0; i < rank; i++)
        {
            if (!shapeEl[i].TryGetInt64(out long d) || d < 0)
            {
                throw new ModelFormatException($"safetensors tensor '{name}' has an invalid shape entry {shapeEl[i]}.");
            }

            shape[i] = d;
            if (d != 0 && elements > long.MaxValue / 4 / d)
            {
                throw new ModelFormatException($"safetensors tensor '{name}' has a shape whose size overflows.");
            }

            elements *= d;
        }

        if (offEl.GetArrayLength() != 2 || !offEl[0].TryGetInt64(out long begin) || !offEl[1].TryGetInt64(out long end)
            || begin < 0 || end < begin)
        {
            throw new ModelFormatException($"safetensors tensor '{name}' has invalid data_offsets {offEl}.");
        }

        long expected = elements * SafetensorsTensorInfo.ElementSize(dtype);
        if (end - begin != expected)
        {
            throw new ModelFormatException(
                $"safetensors tensor '{name}' spans {end - begin} bytes but its shape and dtype need {expected}.");
        }

        return new SafetensorsTensorInfo(name, dtype, shape, begin, end);
    }
}
