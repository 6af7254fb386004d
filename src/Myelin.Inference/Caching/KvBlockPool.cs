namespace Myelin.Inference.Caching;

/// <summary>
/// A fixed budget of KV blocks, each holding the keys and values of <see cref="BlockTokens"/> consecutive tokens for
/// every layer. Blocks are shared by reference count: a block returns to the free list when its last reference is
/// released.
/// </summary>
/// <remarks>Thread-safe. Block storage is allocated on first use and reused afterwards.</remarks>
public sealed class KvBlockPool
{
    private readonly Lock _lock = new();
    private readonly float[]?[] _storage;
    private readonly int[] _refCounts;
    private readonly Stack<int> _free;

    /// <summary>Creates a pool.</summary>
    /// <param name="blockCount">Number of blocks (the memory budget).</param>
    /// <param name="blockTokens">Tokens per block.</param>
    /// <param name="layerCount">Model layers.</param>
    /// <param name="kvDim">Floats per token per layer for keys (and again for values).</param>
    public KvBlockPool(int blockCount, int blockTokens, int layerCount, int kvDim)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockTokens);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(layerCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kvDim);
        BlockCount = blockCount;
        BlockTokens = blockTokens;
        LayerCount = layerCount;
        KvDim = kvDim;
        _storage = new float[blockCount][];
        _refCounts = new int[blockCount];
        _free = new Stack<int>(blockCount);
        for (int i = blockCount - 1; i >= 0; i--)
        {
            _free.Push(i);
        }
    }

    /// <summary>Total blocks.</summary>
    public int BlockCount { get; }

    /// <summary>Tokens per block.</summary>
    public int BlockTokens { get; }

    /// <summary>Layers per block.</summary>
    public int LayerCount { get; }

    /// <summary>Floats per token per layer, for keys and again for values.</summary>
    public int KvDim { get; }

    /// <summary>Bytes of one block: keys and values of every layer.</summary>
    public long BytesPerBlock => 2L * LayerCount * BlockTokens * KvDim * sizeof(float);

    /// <summary>Blocks currently referenced.</summary>
    public int UsedBlocks
    {
        get
        {
            lock (_lock)
            {
                return BlockCount - _free.Count;
            }
        }
    }

    /// <summary>Blocks free to allocate.</summary>
    public int FreeBlocks
    {
        get
        {
            lock (_lock)
            {
                return _free.Count;
            }
        }
    }

    /// <summary>Takes a free block with a reference count of one.</summary>
    /// <param name="block">The block, when one was free.</param>
    /// <returns>False when the pool is exhausted.</returns>
    public bool TryAllocate(out KvBlockId block)
    {
        lock (_lock)
        {
            if (!_free.TryPop(out int index))
            {
                block = default;
                return false;
            }

            _refCounts[index] = 1;
            block = new KvBlockId(index);
            return true;
        }
    }

    /// <summary>Adds a reference to an allocated block.</summary>
    /// <param name="block">The block.</param>
    public void AddReference(KvBlockId block)
    {
        lock (_lock)
        {
            CheckLive(block);
            _refCounts[block.Value]++;
        }
    }

    /// <summary>Drops a reference; the block is freed when none remain.</summary>
    /// <param name="block">The block.</param>
    public void Release(KvBlockId block)
    {
        lock (_lock)
        {
            CheckLive(block);
            if (--_refCounts[block.Value] == 0)
            {
                _free.Push(block.Value);
            }
        }
    }

    /// <summary>The current reference count of a block (0 when free).</summary>
    /// <param name="block">The block.</param>
    /// <returns>The count.</returns>
    public int ReferenceCount(KvBlockId block)
    {
        lock (_lock)
        {
            return _refCounts[block.Value];
        }
    }

    /// <summary>The keys of one layer in a block.</summary>
    /// <param name="block">An allocated block.</param>
    /// <param name="layer">Layer index.</param>
    /// <returns><c>[BlockTokens, KvDim]</c>.</returns>
    public Span<float> Keys(KvBlockId block, int layer) => Storage(block).AsSpan(2 * layer * BlockTokens * KvDim, BlockTokens * KvDim);

    /// <summary>The values of one layer in a block.</summary>
    /// <param name="block">An allocated block.</param>
    /// <param name="layer">Layer index.</param>
    /// <returns><c>[BlockTokens, KvDim]</c>.</returns>
    public Span<float> Values(KvBlockId block, int layer) =>
        Storage(block).AsSpan(((2 * layer) + 1) * BlockTokens * KvDim, BlockTokens * KvDim);

    private float[] Storage(KvBlockId block)
    {
        lock (_lock)
        {
            CheckLive(block);
            return _storage[block.Value] ??= new float[2 * LayerCount * BlockTokens * KvDim];
        }
    }

    private void CheckLive(KvBlockId block)
    {
        if ((uint)block.Value >= (uint)BlockCount || _refCounts[block.Value] == 0)
        {
            throw new InvalidOperationException($"KV block {block.Value} is not allocated.");
        }
    }
}
