using System.Buffers.Binary;
using System.Text;

namespace Myelin.Models.Formats.Internal;

/// <summary>
/// Bounds-checked little-endian cursor over the mapped bytes of a GGUF header. Every read checks the
/// remaining length first, so a truncated or hostile file produces a <see cref="ModelFormatException"/>
/// naming the offset, never an access violation or a giant allocation.
/// </summary>
internal unsafe struct GgufHeaderReader
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly byte* _start;
    private readonly long _length;

    public GgufHeaderReader(byte* start, long length)
    {
        _start = start;
        _length = length;
        Position = 0;
    }

    public long Position { get; private set; }

    public readonly long Remaining => _length - Position;

    public ReadOnlySpan<byte> Take(long count, string what)
    {
        if (count < 0 || count > Remaining)
        {
            throw new ModelFormatException(
                $"GGUF file is truncated: {what} at offset {Position} needs {count} bytes but only {Remaining} remain.");
        }

        if (count > int.MaxValue)
        {
            throw new ModelFormatException($"GGUF {what} at offset {Position} is {count} bytes, larger than supported.");
        }

        var span = new ReadOnlySpan<byte>(_start + Position, (int)count);
        Position += count;
        return span;
    }

    public byte ReadU8(string what) => Take(1, what)[0];

    public ushort ReadU16(string what) => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, what));

    public uint ReadU32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, what));

    public ulong ReadU64(string what) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, what));

    /// <summary>Reads a count and checks that that many elements of at least <paramref name="minElementBytes"/> could fit.</summary>
    public long ReadCount(string what, long minElementBytes)
    {
        long at = Position;
        ulong n = ReadU64(what);
        if (n > (ulong)(Remaining / Math.Max(1, minElementBytes)))
        {
            throw new ModelFormatException(
                $"GGUF {what} at offset {at} is {n}, more than the {Remaining} remaining bytes can hold.");
        }

        return (long)n;
    }

    public string ReadString(string what)
    {
        long at = Position;
        long n = ReadCount(what + " length", 1);
        ReadOnlySpan<byte> bytes = Take(n, what);
        try
        {
            return s_strictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new ModelFormatException($"GGUF {what} at offset {at} is not valid UTF-8.", e);
        }
    }
}
