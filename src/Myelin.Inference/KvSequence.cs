using Myelin.Inference.Models;
using Myelin.Numerics;

namespace Myelin.Inference;

/// <summary>
/// The key/value cache of one sequence: for every layer, the rotated keys and the values of the tokens seen so far,
/// <c>[Length, KvDim]</c> each, in contiguous storage of <see cref="Capacity"/> tokens.
/// </summary>
/// <remarks>
/// Created by <see cref="InferenceModel.CreateSequence"/> and filled by <see cref="InferenceModel.Forward"/>. Not
/// thread-safe: a sequence belongs to one forward pass at a time. The storage is managed memory owned by the sequence.
/// </remarks>
public sealed class KvSequence
{
    private readonly float[][] _chunks;
    private readonly int _layersPerChunk;
    private readonly int _layers;

    internal KvSequence(InferenceModel owner, int capacity)
    {
        ModelShape shape = owner.Shape;
        Owner = owner;
        Capacity = capacity;
        KvDim = shape.KvDim;
        _layers = shape.BlockCount;

        // As few arrays as hold every layer's keys and values (one unless that passes the largest array), huge-page
        // advised: a decode step reads each layer's cache rows once, right after that layer's weights have streamed
        // past, and on 4 KiB pages (an array per layer) every few rows cost a page walk; in huge pages a Q4_0 1.1B
        // decode ran 1.03-1.04x faster (interleaved in one process, session 5).
        long layerFloats = 2L * capacity * KvDim;
        _layersPerChunk = (int)Math.Clamp(Array.MaxLength / layerFloats, 1, _layers);
        _chunks = new float[(_layers + _layersPerChunk - 1) / _layersPerChunk][];
        for (int c = 0; c < _chunks.Length; c++)
        {
            _chunks[c] = LargeArrays.Floats(checked((int)(Math.Min(_layersPerChunk, _layers - (c * _layersPerChunk)) * layerFloats)));
        }
    }

    /// <summary>The most tokens this sequence can hold.</summary>
    public int Capacity { get; }

    /// <summary>Tokens cached so far; the next token is at this position.</summary>
    public int Length { get; internal set; }

    /// <summary>Floats per token per layer in <see cref="Keys"/> and <see cref="Values"/>.</summary>
    public int KvDim { get; }

    /// <summary>Number of layers.</summary>
    public int LayerCount => _layers;

    internal InferenceModel Owner { get; }

    /// <summary>The cached keys of a layer.</summary>
    /// <param name="layer">Layer index.</param>
    /// <returns><c>[Length, KvDim]</c>, valid until the sequence changes.</returns>
    public ReadOnlySpan<float> Keys(int layer) => KeyStorage(layer)[..(Length * KvDim)];

    /// <summary>The cached values of a layer.</summary>
    /// <param name="layer">Layer index.</param>
    /// <returns><c>[Length, KvDim]</c>, valid until the sequence changes.</returns>
    public ReadOnlySpan<float> Values(int layer) => ValueStorage(layer)[..(Length * KvDim)];

    /// <summary>Forgets every token after the first <paramref name="length"/>.</summary>
    /// <param name="length">Tokens to keep, 0 to <see cref="Length"/>.</param>
    public void Truncate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Length);
        Length = length;
    }

    /// <summary>Appends already computed keys and values (e.g. from a prefix cache) for tokens at the end.</summary>
    /// <param name="layer">Layer index.</param>
    /// <param name="start">Position of the first token written; at most <see cref="Length"/>.</param>
    /// <param name="keys">[tokens, KvDim]</param>
    /// <param name="values">[tokens, KvDim]</param>
    /// <remarks>Call for every layer, then <see cref="SetLength"/>.</remarks>
    public void Write(int layer, int start, ReadOnlySpan<float> keys, ReadOnlySpan<float> values)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        if (keys.Length != values.Length || keys.Length % KvDim != 0)
        {
            throw new ArgumentException($"Keys and values must both be [tokens, {KvDim}].", nameof(values));
        }

        int tokens = keys.Length / KvDim;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + tokens, Capacity, nameof(start));
        keys.CopyTo(KeyStorage(layer)[(start * KvDim)..]);
        values.CopyTo(ValueStorage(layer)[(start * KvDim)..]);
    }

    /// <summary>Sets <see cref="Length"/> after <see cref="Write"/> filled every layer up to it.</summary>
    /// <param name="length">The new length, at most <see cref="Capacity"/>.</param>
    public void SetLength(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Capacity);
        Length = length;
    }

    /// <summary>All <see cref="Capacity"/> key rows of layer <paramref name="layer"/> (past <see cref="Length"/> undefined).</summary>
    internal Span<float> KeyStorage(int layer) => Storage(2 * layer);

    /// <summary>All <see cref="Capacity"/> value rows of layer <paramref name="layer"/> (past <see cref="Length"/> undefined).</summary>
    internal Span<float> ValueStorage(int layer) => Storage((2 * layer) + 1);

    /// <summary>Slot 2l holds layer l's keys, slot 2l + 1 its values.</summary>
    private Span<float> Storage(int slot)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(slot, 2 * _layers);
        int floats = Capacity * KvDim;
        int chunkSlots = 2 * _layersPerChunk;
        return _chunks[slot / chunkSlots].AsSpan(slot % chunkSlots * floats, floats);
    }
}
