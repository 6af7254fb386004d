using System.Buffers.Binary;
using Myelin.Core;

namespace Myelin.Evals.Internal;

/// <summary>A forward-only reader over protobuf wire format: tags, varints, fixed32/64 and length-delimited fields.</summary>
/// <remarks>Every read is bounds-checked; malformed input throws <see cref="MyelinValidationException"/> with the byte position.</remarks>
internal ref struct ProtoReader
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    private readonly ReadOnlySpan<byte> _data;
    private readonly int _baseOffset;
    private int _position;

    public ProtoReader(ReadOnlySpan<byte> data, int baseOffset = 0)
    {
        _data = data;
        _baseOffset = baseOffset;
        _position = 0;
    }

    public readonly bool End => _position >= _data.Length;

    /// <summary>Reads the next field's number and wire type.</summary>
    public (int Field, int WireType) ReadTag()
    {
        ulong tag = ReadVarint();
        int field = (int)(tag >> 3);
        int wireType = (int)(tag & 7);
        if (field <= 0 || tag >> 3 > int.MaxValue)
        {
            throw Error("invalid field number");
        }

        return (field, wireType);
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw Error("truncated varint");
            }

            byte b = _data[_position++];
            if (shift == 63 && b > 1)
            {
                throw Error("varint overflows 64 bits");
            }

            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw Error("varint longer than 10 bytes");
    }

    public ulong ReadFixed64()
    {
        ReadOnlySpan<byte> bytes = Take(8, "truncated fixed64");
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    public uint ReadFixed32()
    {
        ReadOnlySpan<byte> bytes = Take(4, "truncated fixed32");
        return BinaryPrimitives.ReadUInt32LittleEndian(bytes);
    }

    public double ReadDouble() => BitConverter.UInt64BitsToDouble(ReadFixed64());

    /// <summary>Reads a length-delimited field and returns a reader over its bytes.</summary>
    public ProtoReader ReadMessage()
    {
        int start = _position;
        ReadOnlySpan<byte> bytes = ReadBytes();
        return new ProtoReader(bytes, _baseOffset + start);
    }

    public ReadOnlySpan<byte> ReadBytes()
    {
        ulong length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw Error("length-delimited field runs past the end");
        }

        return Take((int)length, "truncated field");
    }

    public string ReadString()
    {
        ReadOnlySpan<byte> bytes = ReadBytes();
        try
        {
            return s_strictUtf8.GetString(bytes);
        }
        catch (System.Text.DecoderFallbackException)
        {
            throw Error("string field is not valid UTF-8");
        }
    }

    /// <summary>Skips a field of the given wire type; groups (3, 4) and unknown types are rejected.</summary>
    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case Varint:
                ReadVarint();
                break;
            case Fixed64:
                Take(8, "truncated fixed64");
                break;
            case LengthDelimited:
                ReadBytes();
                break;
            case Fixed32:
                Take(4, "truncated fixed32");
                break;
            default:
                throw Error($"unsupported wire type {wireType}");
        }
    }

    /// <summary>Throws unless the field has the expected wire type.</summary>
    public readonly void Expect(int actual, int expected, string field)
    {
        if (actual != expected)
        {
            throw Error($"field '{field}' has wire type {actual}, expected {expected}");
        }
    }

    public readonly MyelinValidationException Error(string message) =>
        new("invalid_protobuf", $"The protobuf body is malformed at byte {_baseOffset + _position}: {message}.");

    private ReadOnlySpan<byte> Take(int count, string message)
    {
        if (count > _data.Length - _position)
        {
            throw Error(message);
        }

        ReadOnlySpan<byte> slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }

    private static readonly System.Text.UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
