using System.Buffers.Binary;
using System.Text.Json;

namespace Myelin.Models.Formats;

/// <summary>Builds a safetensors file from in-memory tensors and metadata.</summary>
/// <remarks>
/// Output is deterministic: tensors are laid out in the order added, the JSON header lists them in that order
/// with <c>__metadata__</c> first (keys sorted ordinally), and the header is padded with spaces to a multiple of
/// 8 bytes so the buffer is 8-byte aligned. Tensor data is caller-owned and must not change until writing ends.
/// Not thread-safe.
/// </remarks>
public sealed class SafetensorsWriter
{
    private readonly SortedDictionary<string, string> _metadata = new(StringComparer.Ordinal);
    private readonly List<(string Name, SafetensorsDType DType, long[] Shape, ReadOnlyMemory<byte> Data)> _tensors = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>Adds or replaces a metadata entry.</summary>
    /// <param name="key">Key.</param>
    /// <param name="value">Value.</param>
    public void AddMetadata(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        _metadata[key] = value;
    }

    /// <summary>Adds a tensor.</summary>
    /// <param name="name">Unique name (not <c>__metadata__</c>).</param>
    /// <param name="dtype">Element type of <paramref name="data"/>.</param>
    /// <param name="shape">Shape, outermost first.</param>
    /// <param name="data">Exactly the tensor's bytes (little-endian, row-major).</param>
    /// <exception cref="ArgumentException">Duplicate or reserved name, negative dimension, or wrong data length.</exception>
    public void AddTensor(string name, SafetensorsDType dtype, ReadOnlySpan<long> shape, ReadOnlyMemory<byte> data)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name == SafetensorsFile.MetadataKey || !_names.Add(name))
        {
            throw new ArgumentException($"Tensor name '{name}' is reserved or already used.", nameof(name));
        }

        long elements = 1;
        foreach (long d in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(shape));
            elements = checked(elements * d);
        }

        long expected = checked(elements * SafetensorsTensorInfo.ElementSize(dtype));
        if (data.Length != expected)
        {
            _names.Remove(name);
            throw new ArgumentException($"Tensor '{name}' needs {expected} bytes but {data.Length} were given.", nameof(data));
        }

        _tensors.Add((name, dtype, shape.ToArray(), data));
    }

    /// <summary>Writes the file to <paramref name="destination"/>.</summary>
    /// <param name="destination">A writable stream; not closed.</param>
    public void WriteTo(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var json = new MemoryStream();
        using (var w = new Utf8JsonWriter(json))
        {
            w.WriteStartObject();
            if (_metadata.Count > 0)
            {
                w.WriteStartObject(SafetensorsFile.MetadataKey);
                foreach (KeyValuePair<string, string> kv in _metadata)
                {
                    w.WriteString(kv.Key, kv.Value);
                }

                w.WriteEndObject();
            }

            long offset = 0;
            foreach ((string name, SafetensorsDType dtype, long[] shape, ReadOnlyMemory<byte> data) in _tensors)
            {
                w.WriteStartObject(name);
                w.WriteString("dtype", dtype.ToString());
                w.WriteStartArray("shape");
                foreach (long d in shape)
                {
                    w.WriteNumberValue(d);
                }

                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + data.Length);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += data.Length;
            }

            w.WriteEndObject();
        }

        long padded = (json.Length + 7) / 8 * 8;
        while (json.Length < padded)
        {
            json.WriteByte((byte)' ');
        }

        Span<byte> len = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)json.Length);
        destination.Write(len);
        json.Position = 0;
        json.CopyTo(destination);
        foreach ((_, _, _, ReadOnlyMemory<byte> data) in _tensors)
        {
            destination.Write(data.Span);
        }

        destination.Flush();
    }

    /// <summary>Writes the file to <paramref name="path"/>, replacing any existing file.</summary>
    /// <param name="path">Destination path.</param>
    public void WriteTo(string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        WriteTo(stream);
    }
}
