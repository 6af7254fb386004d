using Myelin.Models.Formats.Internal;

namespace Myelin.Models.Formats;

public sealed unsafe partial class GgufFile
{
    private static GgufFile Parse(MappedFile file)
    {
        var r = new GgufHeaderReader(file.Pointer, file.Length);
        uint magic = r.ReadU32("magic");
        if (magic != Magic)
        {
            throw new ModelFormatException($"Not a GGUF file: magic is 0x{magic:X8}, expected 0x{Magic:X8} ('GGUF').");
        }

        uint version = r.ReadU32("version");
        if (version is not (2 or 3))
        {
            string hint = (version & 0xFFFF) == 0 && version != 0 ? " (the file looks big-endian, which is not supported)" : string.Empty;
            throw new ModelFormatException($"Unsupported GGUF version {version}{hint}; versions 2 and 3 are supported.");
        }

        // Each tensor info needs at least name length (8) + n_dims (4) + one dim (8) + type (4) + offset (8).
        long tensorCount = r.ReadCount("tensor count", 32);
        // Each key-value needs at least key length (8) + type (4) + one byte of value.
        long kvCount = r.ReadCount("metadata count", 13);

        var metadata = new Dictionary<string, GgufValue>((int)Math.Min(kvCount, 1024), StringComparer.Ordinal);
        var keys = new string[kvCount];
        for (long i = 0; i < kvCount; i++)
        {
            long at = r.Position;
            string key = r.ReadString("metadata key");
            GgufValueType type = ReadValueType(ref r, "metadata value type of '" + key + "'");
            GgufValue value = ReadValue(ref r, type, key);
            if (!metadata.TryAdd(key, value))
            {
                throw new ModelFormatException($"GGUF metadata key '{key}' at offset {at} appears more than once.");
            }

            keys[i] = key;
        }

        int alignment = DefaultAlignment;
        if (metadata.TryGetValue(AlignmentKey, out GgufValue? alignValue))
        {
            if (alignValue.Type != GgufValueType.UInt32)
            {
                throw new ModelFormatException($"GGUF '{AlignmentKey}' must be UInt32, found {alignValue.Type}.");
            }

            uint a = (uint)alignValue.RawValue;
            if (a == 0 || (a & (a - 1)) != 0 || a > 1 << 20)
            {
                throw new ModelFormatException($"GGUF '{AlignmentKey}' is {a}; it must be a power of two no larger than 1 MiB.");
            }

            alignment = (int)a;
        }

        var tensors = new GgufTensorInfo[tensorCount];
        var names = new HashSet<string>(StringComparer.Ordinal);
        Span<long> dims = stackalloc long[MaxDimensions];
        for (long i = 0; i < tensorCount; i++)
        {
            long at = r.Position;
            string name = r.ReadString("tensor name");
            if (!names.Add(name))
            {
                throw new ModelFormatException($"GGUF tensor name '{name}' at offset {at} appears more than once.");
            }

            uint nDims = r.ReadU32("dimension count of '" + name + "'");
            if (nDims is 0 or > MaxDimensions)
            {
                throw new ModelFormatException($"GGUF tensor '{name}' has {nDims} dimensions; 1 to {MaxDimensions} are supported.");
            }

            long elements = 1;
            for (int d = 0; d < nDims; d++)
            {
                ulong dim = r.ReadU64("dimension of '" + name + "'");
                if (dim > long.MaxValue || (dim != 0 && (ulong)elements > (ulong)long.MaxValue / dim))
                {
                    throw new ModelFormatException($"GGUF tensor '{name}' has dimensions whose product overflows.");
                }

                dims[d] = (long)dim;
                elements *= (long)dim;
            }

            uint rawType = r.ReadU32("type of '" + name + "'");
            var type = (GgmlType)rawType;
            if (!GgmlTypeTraits.IsSupported(type))
            {
                throw new ModelFormatException(
                    $"GGUF tensor '{name}' has ggml type {rawType}, which is not supported (F32, F16, BF16, Q8_0, Q4_0 are).");
            }

            if (dims[0] % GgmlTypeTraits.BlockSize(type) != 0)
            {
                throw new ModelFormatException(
                    $"GGUF tensor '{name}' of type {type} has innermost dimension {dims[0]}, not a multiple of {GgmlTypeTraits.BlockSize(type)}.");
            }

            ulong offset = r.ReadU64("offset of '" + name + "'");
            if (offset > long.MaxValue || offset % (ulong)alignment != 0)
            {
                throw new ModelFormatException($"GGUF tensor '{name}' has offset {offset}, not a multiple of the alignment {alignment}.");
            }

            try
            {
                tensors[i] = new GgufTensorInfo(name, dims[..(int)nDims], type, (long)offset);
            }
            catch (OverflowException e)
            {
                throw new ModelFormatException($"GGUF tensor '{name}' is too large: its byte size overflows.", e);
            }
        }

        long dataOffset = AlignUp(r.Position, alignment);
        if (dataOffset > file.Length && tensorCount > 0)
        {
            throw new ModelFormatException($"GGUF file is truncated: the data section would start at {dataOffset}, past the end ({file.Length}).");
        }

        long dataLength = Math.Max(0, file.Length - dataOffset);
        foreach (GgufTensorInfo t in tensors)
        {
            if (t.Offset > dataLength || t.ByteSize > dataLength - t.Offset)
            {
                throw new ModelFormatException(
                    $"GGUF tensor '{t.Name}' at data offset {t.Offset} with {t.ByteSize} bytes lies outside the data section " +
                    $"({dataLength} bytes); the file is truncated or corrupt.");
            }
        }

        return new GgufFile(file, version, alignment, dataOffset, metadata, keys, tensors);
    }

    internal static long AlignUp(long value, int alignment) => (value + alignment - 1) / alignment * alignment;

    private static GgufValueType ReadValueType(ref GgufHeaderReader r, string what)
    {
        long at = r.Position;
        uint raw = r.ReadU32(what);
        if (raw > (uint)GgufValueType.Float64)
        {
            throw new ModelFormatException($"GGUF {what} at offset {at} is {raw}, not a known value type.");
        }

        return (GgufValueType)raw;
    }

    private static GgufValue ReadValue(ref GgufHeaderReader r, GgufValueType type, string key)
    {
        if (type == GgufValueType.Array)
        {
            GgufValueType element = ReadValueType(ref r, "array element type of '" + key + "'");
            if (element == GgufValueType.Array)
            {
                throw new ModelFormatException($"GGUF metadata '{key}' is a nested array, which is not supported.");
            }

            long count = r.ReadCount("array length of '" + key + "'", element == GgufValueType.String ? 8 : ScalarSize(element));
            return GgufValue.FromOwnedArray(element, ReadArray(ref r, element, (int)count, key));
        }

        return type == GgufValueType.String
            ? GgufValue.FromString(r.ReadString("string value of '" + key + "'"))
            : GgufValue.FromScalar(type, ReadScalar(ref r, type, key));
    }

    private static object ReadScalar(ref GgufHeaderReader r, GgufValueType type, string key)
    {
        string what = "value of '" + key + "'";
        return type switch
        {
            GgufValueType.UInt8 => r.ReadU8(what),
            GgufValueType.Int8 => (sbyte)r.ReadU8(what),
            GgufValueType.UInt16 => r.ReadU16(what),
            GgufValueType.Int16 => (short)r.ReadU16(what),
            GgufValueType.UInt32 => r.ReadU32(what),
            GgufValueType.Int32 => (int)r.ReadU32(what),
            GgufValueType.UInt64 => r.ReadU64(what),
            GgufValueType.Int64 => (long)r.ReadU64(what),
            GgufValueType.Float32 => BitConverter.UInt32BitsToSingle(r.ReadU32(what)),
            GgufValueType.Float64 => BitConverter.UInt64BitsToDouble(r.ReadU64(what)),
            GgufValueType.Bool => ReadBool(ref r, what),
            _ => throw new ModelFormatException($"GGUF {what} has non-scalar type {type}."),
        };
    }

    private static bool ReadBool(ref GgufHeaderReader r, string what)
    {
        long at = r.Position;
        byte b = r.ReadU8(what);
        return b switch
        {
            0 => false,
            1 => true,
            _ => throw new ModelFormatException($"GGUF {what} at offset {at} is a bool with byte value {b}; only 0 and 1 are valid."),
        };
    }

    private static Array ReadArray(ref GgufHeaderReader r, GgufValueType element, int count, string key)
    {
        if (element == GgufValueType.String)
        {
            var strings = new string[count];
            for (int i = 0; i < count; i++)
            {
                strings[i] = r.ReadString("string element of '" + key + "'");
            }

            return strings;
        }

        if (element == GgufValueType.Bool)
        {
            var bools = new bool[count];
            for (int i = 0; i < count; i++)
            {
                bools[i] = ReadBool(ref r, "element of '" + key + "'");
            }

            return bools;
        }

        ReadOnlySpan<byte> bytes = r.Take((long)count * ScalarSize(element), "array data of '" + key + "'");
        return element switch
        {
            GgufValueType.UInt8 => bytes.ToArray(),
            GgufValueType.Int8 => Cast<sbyte>(bytes),
            GgufValueType.UInt16 => Cast<ushort>(bytes),
            GgufValueType.Int16 => Cast<short>(bytes),
            GgufValueType.UInt32 => Cast<uint>(bytes),
            GgufValueType.Int32 => Cast<int>(bytes),
            GgufValueType.UInt64 => Cast<ulong>(bytes),
            GgufValueType.Int64 => Cast<long>(bytes),
            GgufValueType.Float32 => Cast<float>(bytes),
            _ => Cast<double>(bytes),
        };
    }

    // The format is little-endian and so is every platform .NET supports for this library; a plain reinterpretation is exact.
    private static T[] Cast<T>(ReadOnlySpan<byte> bytes)
        where T : unmanaged => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(bytes).ToArray();

    internal static int ScalarSize(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
        GgufValueType.UInt16 or GgufValueType.Int16 => 2,
        GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
        GgufValueType.UInt64 or GgufValueType.Int64 or GgufValueType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a fixed-size scalar type."),
    };
}
