using System.Buffers.Binary;
using System.Text;
using Myelin.Models.Formats.Internal;

namespace Myelin.Models.Formats;

/// <summary>
/// Builds a GGUF v3 file: collect metadata and tensors, then stream them out with <see cref="WriteTo(Stream)"/>.
/// </summary>
/// <remarks>
/// <para>
/// Output is deterministic: metadata and tensors are written in the order they were added, tensor offsets are
/// assigned consecutively with padding to the alignment (zero bytes), and nothing depends on time or machine.
/// The alignment is <see cref="GgufFile.DefaultAlignment"/> unless a <see cref="GgufValueType.UInt32"/> value for
/// <see cref="GgufFile.AlignmentKey"/> is added.
/// </para>
/// <para>
/// Tensor data is never buffered by the writer: it is either a caller-owned <see cref="ReadOnlyMemory{T}"/>,
/// which must stay unchanged until writing ends, or a callback that writes exactly the tensor's byte size to the
/// stream when its turn comes. The writer is not thread-safe.
/// </para>
/// </remarks>
public sealed class GgufWriter
{
    private readonly List<KeyValuePair<string, GgufValue>> _metadata = [];
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly List<PendingTensor> _tensors = [];
    private readonly HashSet<string> _tensorNames = new(StringComparer.Ordinal);

    /// <summary>Number of tensors added so far.</summary>
    public int TensorCount => _tensors.Count;

    /// <summary>Adds a metadata key-value pair.</summary>
    /// <param name="key">The key, e.g. <c>llama.block_count</c>; must be unique.</param>
    /// <param name="value">The value.</param>
    /// <exception cref="ArgumentException">The key was already added, or <see cref="GgufFile.AlignmentKey"/> is not a valid UInt32 power of two.</exception>
    public void AddMetadata(string key, GgufValue value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (key == GgufFile.AlignmentKey)
        {
            if (value.Type != GgufValueType.UInt32 || (uint)value.RawValue is 0 or > 1 << 20
                || ((uint)value.RawValue & ((uint)value.RawValue - 1)) != 0)
            {
                throw new ArgumentException($"'{GgufFile.AlignmentKey}' must be a UInt32 power of two up to 1 MiB.", nameof(value));
            }

            if (_tensors.Count > 0)
            {
                throw new InvalidOperationException($"Set '{GgufFile.AlignmentKey}' before adding tensors.");
            }
        }

        if (!_keys.Add(key))
        {
            throw new ArgumentException($"Metadata key '{key}' was already added.", nameof(key));
        }

        _metadata.Add(new(key, value));
    }

    /// <summary>Adds a tensor whose bytes are already in memory.</summary>
    /// <param name="name">Unique tensor name.</param>
    /// <param name="dimensions">Dimensions, innermost first (ggml order), 1 to 4 of them.</param>
    /// <param name="type">Element type of <paramref name="data"/>.</param>
    /// <param name="data">Exactly the tensor's bytes; must not change until writing ends.</param>
    /// <exception cref="ArgumentException">Bad name, dimensions, type, or data length.</exception>
    public void AddTensor(string name, ReadOnlySpan<long> dimensions, GgmlType type, ReadOnlyMemory<byte> data)
    {
        long size = Validate(name, dimensions, type);
        if (data.Length != size)
        {
            throw new ArgumentException($"Tensor '{name}' needs {size} bytes of {type} data but {data.Length} were given.", nameof(data));
        }

        Append(new PendingTensor(name, dimensions.ToArray(), type, size, data, null));
    }

    /// <summary>Adds a tensor whose bytes are produced when the file is written.</summary>
    /// <param name="name">Unique tensor name.</param>
    /// <param name="dimensions">Dimensions, innermost first (ggml order), 1 to 4 of them.</param>
    /// <param name="type">Element type.</param>
    /// <param name="writeData">Writes exactly <see cref="GgmlTypeTraits.ByteSize"/> bytes to the stream it is given.</param>
    /// <exception cref="ArgumentException">Bad name, dimensions or type.</exception>
    public void AddTensor(string name, ReadOnlySpan<long> dimensions, GgmlType type, Action<Stream> writeData)
    {
        ArgumentNullException.ThrowIfNull(writeData);
        long size = Validate(name, dimensions, type);
        Append(new PendingTensor(name, dimensions.ToArray(), type, size, default, writeData));
    }

    /// <summary>Writes the whole file to <paramref name="destination"/>, starting at its current position.</summary>
    /// <param name="destination">A writable stream; not closed.</param>
    /// <exception cref="InvalidOperationException">A data callback wrote the wrong number of bytes.</exception>
    public void WriteTo(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        int alignment = Alignment();
        var header = new MemoryStream();
        WriteU32(header, GgufFile.Magic);
        WriteU32(header, GgufFile.CurrentVersion);
        WriteU64(header, (ulong)_tensors.Count);
        WriteU64(header, (ulong)_metadata.Count);
        foreach (KeyValuePair<string, GgufValue> kv in _metadata)
        {
            WriteString(header, kv.Key);
            WriteU32(header, (uint)kv.Value.Type);
            WriteValue(header, kv.Value);
        }

        long offset = 0;
        foreach (PendingTensor t in _tensors)
        {
            WriteString(header, t.Name);
            WriteU32(header, (uint)t.Dimensions.Length);
            foreach (long d in t.Dimensions)
            {
                WriteU64(header, (ulong)d);
            }

            WriteU32(header, (uint)t.Type);
            WriteU64(header, (ulong)offset);
            offset = GgufFile.AlignUp(offset + t.Size, alignment);
        }

        Pad(header, header.Length, alignment);
        header.Position = 0;
        header.CopyTo(destination);

        var counter = new CountingStream(destination);
        long written = 0;
        foreach (PendingTensor t in _tensors)
        {
            if (t.WriteData is null)
            {
                destination.Write(t.Data.Span);
            }
            else
            {
                long before = counter.BytesWritten;
                t.WriteData(counter);
                long produced = counter.BytesWritten - before;
                if (produced != t.Size)
                {
                    throw new InvalidOperationException($"The data callback for tensor '{t.Name}' wrote {produced} bytes; expected {t.Size}.");
                }
            }

            written += t.Size;
            written += Pad(destination, written, alignment);
        }

        destination.Flush();
    }

    /// <summary>Writes the whole file to <paramref name="path"/>, replacing any existing file.</summary>
    /// <param name="path">Destination path.</param>
    public void WriteTo(string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        WriteTo(stream);
    }

    private int Alignment()
    {
        foreach (KeyValuePair<string, GgufValue> kv in _metadata)
        {
            if (kv.Key == GgufFile.AlignmentKey)
            {
                return (int)(uint)kv.Value.RawValue;
            }
        }

        return GgufFile.DefaultAlignment;
    }

    private long Validate(string name, ReadOnlySpan<long> dimensions, GgmlType type)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (dimensions.Length is 0 or > GgufFile.MaxDimensions)
        {
            throw new ArgumentException($"Tensor '{name}' has {dimensions.Length} dimensions; 1 to {GgufFile.MaxDimensions} are allowed.", nameof(dimensions));
        }

        if (!GgmlTypeTraits.IsSupported(type))
        {
            throw new ArgumentException($"Tensor '{name}' has unsupported type {type}.", nameof(type));
        }

        if (_tensorNames.Contains(name))
        {
            throw new ArgumentException($"Tensor '{name}' was already added.", nameof(name));
        }

        return GgmlTypeTraits.ByteSize(type, dimensions);
    }

    private void Append(PendingTensor tensor)
    {
        _tensorNames.Add(tensor.Name);
        _tensors.Add(tensor);
    }

    private static long Pad(Stream s, long position, int alignment)
    {
        long padding = GgufFile.AlignUp(position, alignment) - position;
        Span<byte> zeros = stackalloc byte[64];
        zeros.Clear();
        for (long left = padding; left > 0; left -= zeros.Length)
        {
            s.Write(zeros[..(int)Math.Min(left, zeros.Length)]);
        }

        return padding;
    }

    private static void WriteValue(Stream s, GgufValue value)
    {
        if (value.Type == GgufValueType.Array)
        {
            WriteU32(s, (uint)value.ElementType);
            var array = (Array)value.RawValue;
            WriteU64(s, (ulong)array.Length);
            foreach (object? element in array)
            {
                WriteScalarOrString(s, value.ElementType, element!);
            }
        }
        else
        {
            WriteScalarOrString(s, value.Type, value.RawValue);
        }
    }

    private static void WriteScalarOrString(Stream s, GgufValueType type, object v)
    {
        switch (type)
        {
            case GgufValueType.String: WriteString(s, (string)v); break;
            case GgufValueType.UInt8: s.WriteByte((byte)v); break;
            case GgufValueType.Int8: s.WriteByte((byte)(sbyte)v); break;
            case GgufValueType.Bool: s.WriteByte((bool)v ? (byte)1 : (byte)0); break;
            case GgufValueType.UInt16: WriteU16(s, (ushort)v); break;
            case GgufValueType.Int16: WriteU16(s, (ushort)(short)v); break;
            case GgufValueType.UInt32: WriteU32(s, (uint)v); break;
            case GgufValueType.Int32: WriteU32(s, (uint)(int)v); break;
            case GgufValueType.Float32: WriteU32(s, BitConverter.SingleToUInt32Bits((float)v)); break;
            case GgufValueType.UInt64: WriteU64(s, (ulong)v); break;
            case GgufValueType.Int64: WriteU64(s, (ulong)(long)v); break;
            case GgufValueType.Float64: WriteU64(s, BitConverter.DoubleToUInt64Bits((double)v)); break;
            default: throw new InvalidOperationException($"Cannot write GGUF value of type {type}.");
        }
    }

    private static void WriteString(Stream s, string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        WriteU64(s, (ulong)bytes.Length);
        s.Write(bytes);
    }

    private static void WriteU16(Stream s, ushort v)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, v);
        s.Write(b);
    }

    private static void WriteU32(Stream s, uint v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        s.Write(b);
    }

    private static void WriteU64(Stream s, ulong v)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, v);
        s.Write(b);
    }

    private sealed record PendingTensor(
        string Name, long[] Dimensions, GgmlType Type, long Size, ReadOnlyMemory<byte> Data, Action<Stream>? WriteData);
}
