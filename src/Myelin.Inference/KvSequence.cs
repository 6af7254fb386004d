using Myelin.Inference.Models;

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
    private readonly float[][] _keys;
    private readonly float[][] _values;

    internal KvSequence(InferenceModel owner, int capacity)
    {
        ModelShape shape = owner.Shape;
        Owner = owner;
        Capacity = capacity;
        KvDim = shape.KvDim;
        _keys = new float[shape.BlockCount][];
        _values = new float[shape.BlockCount][];
        for (int l = 0; l < shape.BlockCount; l++)
        {
            _keys[l] = new float[(long)capacity * KvDim];
            _values[l] = new float[(long)capacity * KvDim];
        }
    }

    /// <summary>The most tokens this sequence can hold.</summary>
    public int Capacity { get; }

    /// <summary>Tokens cached so far; the next token is at this position.</summary>
    public int Length { get; internal set; }

    /// <summary>Floats per token per layer in <see cref="Keys"/> and <see cref="Values"/>.</summary>
    public int KvDim { get; }

    /// <summary>Number of layers.</summary>
    public int LayerCount => _keys.Length;

    internal InferenceModel Owner { get; }

    /// <summary>The cached keys of a layer.</summary>
    /// <param name="layer">Layer index.</param>
    /// <returns><c>[Length, KvDim]</c>, valid until the sequence changes.</returns>
    public ReadOnlySpan<float> Keys(int layer) => _keys[layer].AsSpan(0, Length * KvDim);

    /// <summary>The cached values of a layer.</summary>
    /// <param name="layer">Layer index.</param>
    /// <returns><c>[Length, KvDim]</c>, valid until the sequence changes.</returns>
    public ReadOnlySpan<float> Values(int layer) => _values[layer].AsSpan(0, Length * KvDim);

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
        keys.CopyTo(_keys[layer].AsSpan(start * KvDim));
        values.CopyTo(_values[layer].AsSpan(start * KvDim));
    }

    /// <summary>Sets <see cref="Length"/> after <see cref="Write"/> filled every layer up to it.</summary>
    /// <param name="length">The new length, at most <see cref="Capacity"/>.</param>
    public void SetLength(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Capacity);
        Length = length;
    }

    internal float[] KeyStorage(int layer) => _keys[layer];

    internal float[] ValueStorage(int layer) => _values[layer];
}
