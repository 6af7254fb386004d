using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Myelin.Evals.Tracing;

/// <summary>One JSON writer and its buffer, reset for each payload, so serialising a batch of spans allocates neither per span.</summary>
/// <remarks>Not thread-safe: one per batch being serialised.</remarks>
internal sealed class SpanJsonBuffer : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _writer;

    public SpanJsonBuffer() => _writer = new Utf8JsonWriter(_buffer);

    /// <summary>The UTF-8 length of the payload <see cref="Finish"/> last returned.</summary>
    public int ByteCount { get; private set; }

    /// <summary>An empty writer for the next payload.</summary>
    public Utf8JsonWriter Start()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        return _writer;
    }

    /// <summary>The payload written since <see cref="Start"/>.</summary>
    public string Finish()
    {
        _writer.Flush();
        ByteCount = _buffer.WrittenCount;
        return Encoding.UTF8.GetString(_buffer.WrittenSpan);
    }

    public void Dispose() => _writer.Dispose();
}
