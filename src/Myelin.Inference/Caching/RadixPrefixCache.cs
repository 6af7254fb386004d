namespace Myelin.Inference.Caching;

/// <summary>
/// A radix tree over token ids, one per tenant, mapping cached prompt prefixes to KV blocks of a
/// <see cref="KvBlockPool"/>. Matching is at token granularity: a prompt reuses the KV of its longest cached prefix
/// even when that prefix ends inside a block.
/// </summary>
/// <remarks>
/// <para>Each tree node covers a run of token positions and holds a reference on every block overlapping that run;
/// a split node shares its boundary block with its new parent (reference counted). When the pool runs out, the least
/// recently used leaves that no operation is using are evicted, releasing their block references, until enough blocks
/// are free.</para>
/// <para>Active sequences keep their own contiguous KV (<see cref="KvSequence"/>); <see cref="Load"/> copies a matched
/// prefix into one and <see cref="Store"/> copies a computed prompt out into blocks. Reloading is a memory copy,
/// microseconds per token against milliseconds to recompute.</para>
/// <para>Tenants never share nodes or blocks: a lookup under one tenant cannot hit another tenant's prefix.</para>
/// <para>Thread-safe: every operation runs under one lock.</para>
/// </remarks>
public sealed class RadixPrefixCache
{
    private readonly Lock _lock = new();
    private readonly Dictionary<CacheTenant, Node> _roots = [];
    private long _clock;
    private long _queryTokens;
    private long _hitTokens;

    /// <summary>Creates a cache over <paramref name="pool"/>.</summary>
    /// <param name="pool">The block budget; the cache takes and releases references in it.</param>
    public RadixPrefixCache(KvBlockPool pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        Pool = pool;
    }

    /// <summary>Where evicted prefixes go (whole, from position 0) before their blocks are freed; null drops them.</summary>
    /// <remarks>Called under the cache's lock, on the evicting thread.</remarks>
    public IKvSpillTier? SpillTier { get; set; }

    /// <summary>The block pool the cache stores KV in.</summary>
    public KvBlockPool Pool { get; }

    /// <summary>Tokens looked up so far (prompt lengths passed to <see cref="Load"/>).</summary>
    public long QueryTokens
    {
        get
        {
            lock (_lock)
            {
                return _queryTokens;
            }
        }
    }

    /// <summary>Tokens served from the cache so far.</summary>
    public long HitTokens
    {
        get
        {
            lock (_lock)
            {
                return _hitTokens;
            }
        }
    }

    /// <summary>Tokens cached for a tenant (the sum of its tree's edge lengths).</summary>
    /// <param name="tenant">The tenant.</param>
    /// <returns>The count.</returns>
    public long CachedTokens(CacheTenant tenant)
    {
        lock (_lock)
        {
            return _roots.TryGetValue(tenant, out Node? root) ? Count(root) : 0;
        }

        static long Count(Node n)
        {
            long sum = n.Tokens.Length;
            foreach (Node c in n.Children.Values)
            {
                sum += Count(c);
            }

            return sum;
        }
    }

    /// <summary>Length of the longest cached prefix of <paramref name="tokens"/> for the tenant, without loading it.</summary>
    /// <param name="tenant">Whose cache to look in.</param>
    /// <param name="tokens">The prompt.</param>
    /// <returns>Matched tokens.</returns>
    public int MatchLength(CacheTenant tenant, ReadOnlySpan<int> tokens)
    {
        lock (_lock)
        {
            int matched = 0;
            if (_roots.TryGetValue(tenant, out Node? node))
            {
                Walk(node, tokens, ref matched, null);
            }

            return matched;
        }
    }

    /// <summary>
    /// Copies the KV of the longest cached prefix of <paramref name="tokens"/> into an empty sequence and sets its
    /// length to the number of tokens matched.
    /// </summary>
    /// <param name="tenant">Whose cache to look in.</param>
    /// <param name="tokens">The prompt (pass all but its last token so that one token is left to compute logits).</param>
    /// <param name="sequence">An empty sequence of a model matching the pool's geometry.</param>
    /// <returns>Tokens loaded (0 on a miss).</returns>
    public int Load(CacheTenant tenant, ReadOnlySpan<int> tokens, KvSequence sequence)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        CheckGeometry(sequence);
        if (sequence.Length != 0)
        {
            throw new ArgumentException("Load needs an empty sequence.", nameof(sequence));
        }

        lock (_lock)
        {
            _queryTokens += tokens.Length;
            if (!_roots.TryGetValue(tenant, out Node? root))
            {
                return 0;
            }

            var path = new List<(Node Node, int Count)>();
            int matched = 0;
            Walk(root, tokens[..Math.Min(tokens.Length, sequence.Capacity)], ref matched, path);
            long now = ++_clock;
            foreach ((Node node, int count) in path)
            {
                node.LastUse = now;
                CopyOut(node, node.Start, node.Start + count, sequence);
            }

            sequence.SetLength(matched);
            _hitTokens += matched;
            return matched;
        }
    }

    /// <summary>
    /// Caches the KV of the first <paramref name="tokens"/>.Length tokens of <paramref name="sequence"/> under the
    /// tenant, evicting least recently used leaves when the pool is full.
    /// </summary>
    /// <param name="tenant">Whose cache to store in.</param>
    /// <param name="tokens">The tokens the sequence holds KV for (at most its length).</param>
    /// <param name="sequence">The sequence holding the computed KV.</param>
    /// <returns>Tokens now cached for this prefix (less than requested when the pool could not make room).</returns>
    public int Store(CacheTenant tenant, ReadOnlySpan<int> tokens, KvSequence sequence)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        CheckGeometry(sequence);
        if (tokens.Length > sequence.Length)
        {
            throw new ArgumentException($"The sequence holds KV for {sequence.Length} tokens, not {tokens.Length}.", nameof(tokens));
        }

        lock (_lock)
        {
            if (!_roots.TryGetValue(tenant, out Node? node))
            {
                node = new Node(null, 0, []);
                _roots.Add(tenant, node);
            }

            long now = ++_clock;
            int pos = 0;
            var pinned = new List<Node>();
            try
            {
                while (pos < tokens.Length)
                {
                    node.LastUse = now;
                    node.Pinned = true;
                    pinned.Add(node);
                    if (!node.Children.TryGetValue(tokens[pos], out Node? child))
                    {
                        break;
                    }

                    int k = CommonPrefix(child.Tokens, tokens[pos..]);
                    if (k < child.Tokens.Length)
                    {
                        child = Split(child, k);
                    }

                    pos += k;
                    node = child;
                }

                node.LastUse = now;
                if (pos == tokens.Length)
                {
                    return pos;
                }

                return pos + AddLeaf(node, tokens[pos..], pos, sequence, now);
            }
            finally
            {
                foreach (Node n in pinned)
                {
                    n.Pinned = false;
                }
            }
        }
    }

    /// <summary>Evicts least recently used leaves until at least <paramref name="freeBlocks"/> blocks are free or nothing is evictable.</summary>
    /// <param name="freeBlocks">The target number of free blocks.</param>
    /// <returns>Whether the target was reached.</returns>
    public bool EvictUntilFree(int freeBlocks)
    {
        lock (_lock)
        {
            return MakeRoom(freeBlocks);
        }
    }

    /// <summary>Drops every prefix cached for a tenant.</summary>
    /// <param name="tenant">The tenant.</param>
    public void Clear(CacheTenant tenant)
    {
        lock (_lock)
        {
            if (_roots.Remove(tenant, out Node? root))
            {
                ReleaseAll(root);
            }
        }

        void ReleaseAll(Node n)
        {
            foreach (Node c in n.Children.Values)
            {
                ReleaseAll(c);
            }

            foreach (KvBlockId b in n.Blocks)
            {
                Pool.Release(b);
            }
        }
    }

    private static int CommonPrefix(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int n = Math.Min(a.Length, b.Length);
        int i = 0;
        while (i < n && a[i] == b[i])
        {
            i++;
        }

        return i;
    }

    private static void Walk(Node node, ReadOnlySpan<int> tokens, ref int matched, List<(Node, int)>? path)
    {
        while (matched < tokens.Length && node.Children.TryGetValue(tokens[matched], out Node? child))
        {
            int k = CommonPrefix(child.Tokens, tokens[matched..]);
            path?.Add((child, k));
            matched += k;
            if (k < child.Tokens.Length)
            {
                return;
            }

            node = child;
        }
    }

    private void CheckGeometry(KvSequence sequence)
    {
        if (sequence.LayerCount != Pool.LayerCount || sequence.KvDim != Pool.KvDim)
        {
            throw new ArgumentException(
                $"The sequence has {sequence.LayerCount} layers of width {sequence.KvDim}; the pool holds {Pool.LayerCount} of width {Pool.KvDim}.",
                nameof(sequence));
        }
    }

    // Copies positions [from, to) of a node's blocks into the sequence.
    private void CopyOut(Node node, int from, int to, KvSequence sequence)
    {
        int bt = Pool.BlockTokens;
        int kvDim = Pool.KvDim;
        for (int p = from; p < to;)
        {
            KvBlockId block = node.Blocks[(p / bt) - (node.Start / bt)];
            int offset = p % bt;
            int n = Math.Min(bt - offset, to - p);
            for (int l = 0; l < Pool.LayerCount; l++)
            {
                sequence.Write(
                    l, p,
                    Pool.Keys(block, l).Slice(offset * kvDim, n * kvDim),
                    Pool.Values(block, l).Slice(offset * kvDim, n * kvDim));
            }

            p += n;
        }
    }

    /// <summary>The whole prefix ending at <paramref name="leaf"/>: its tokens and [layers][tokens * kvDim] keys and values.</summary>
    private (int[] Tokens, float[][] Keys, float[][] Values) Gather(Node leaf)
    {
        int total = leaf.Start + leaf.Tokens.Length;
        int kvDim = Pool.KvDim;
        int bt = Pool.BlockTokens;
        var tokens = new int[total];
        var keys = new float[Pool.LayerCount][];
        var values = new float[Pool.LayerCount][];
        for (int l = 0; l < Pool.LayerCount; l++)
        {
            keys[l] = new float[total * kvDim];
            values[l] = new float[total * kvDim];
        }

        for (Node? node = leaf; node?.Parent is not null; node = node.Parent)
        {
            node.Tokens.CopyTo(tokens, node.Start);
            int end = node.Start + node.Tokens.Length;
            for (int p = node.Start; p < end;)
            {
                KvBlockId block = node.Blocks[(p / bt) - (node.Start / bt)];
                int offset = p % bt;
                int n = Math.Min(bt - offset, end - p);
                for (int l = 0; l < Pool.LayerCount; l++)
                {
                    Pool.Keys(block, l).Slice(offset * kvDim, n * kvDim).CopyTo(keys[l].AsSpan(p * kvDim));
                    Pool.Values(block, l).Slice(offset * kvDim, n * kvDim).CopyTo(values[l].AsSpan(p * kvDim));
                }

                p += n;
            }
        }

        return (tokens, keys, values);
    }

    private Node Split(Node child, int k)
    {
        int bt = Pool.BlockTokens;
        int boundary = child.Start + k;
        int firstBlock = child.Start / bt;
        int parentBlocks = ((boundary - 1) / bt) - firstBlock + 1;
        int childFirst = (boundary / bt) - firstBlock;
        var mid = new Node(child.Parent, child.Start, child.Tokens[..k]) { LastUse = child.LastUse };
        mid.Blocks.AddRange(child.Blocks.GetRange(0, parentBlocks));
        if (childFirst < parentBlocks)
        {
            // The boundary falls inside a block: both halves keep a reference on it.
            Pool.AddReference(child.Blocks[childFirst]);
        }

        child.Blocks.RemoveRange(0, childFirst);
        child.Tokens = child.Tokens[k..];
        child.Start = boundary;
        child.Parent!.Children[mid.Tokens[0]] = mid;
        child.Parent = mid;
        mid.Children.Add(child.Tokens[0], child);
        return mid;
    }

    // Adds a leaf for tokens at absolute position start; returns how many of them it covers.
    private int AddLeaf(Node parent, ReadOnlySpan<int> tokens, int start, KvSequence sequence, long now)
    {
        int bt = Pool.BlockTokens;
        int end = start + tokens.Length;
        int firstBlock = start / bt;
        int needed = ((end - 1) / bt) - firstBlock + 1;
        var blocks = new List<KvBlockId>(needed);
        while (blocks.Count < needed)
        {
            if (!Pool.TryAllocate(out KvBlockId block))
            {
                if (!MakeRoom(1) || !Pool.TryAllocate(out block))
                {
                    break;
                }
            }

            int blockStart = (firstBlock + blocks.Count) * bt;
            int from = Math.Max(blockStart, 0);
            int to = Math.Min(blockStart + bt, end);
            int kvDim = Pool.KvDim;
            for (int l = 0; l < Pool.LayerCount; l++)
            {
                // Written around the caches: a stored prefix is read again only on a later hit, and a cached copy would
                // evict what the running batch reads (at a 0% hit rate it cost about 1% of throughput).
                int count = (to - from) * kvDim;
                Numerics.Kernels.Default.CopyStreaming(sequence.Keys(l).Slice(from * kvDim, count), Pool.Keys(block, l).Slice((from - blockStart) * kvDim, count));
                Numerics.Kernels.Default.CopyStreaming(sequence.Values(l).Slice(from * kvDim, count), Pool.Values(block, l).Slice((from - blockStart) * kvDim, count));
            }

            blocks.Add(block);
        }

        int covered = blocks.Count == needed ? tokens.Length : Math.Max(0, ((firstBlock + blocks.Count) * bt) - start);
        if (covered == 0)
        {
            foreach (KvBlockId b in blocks)
            {
                Pool.Release(b);
            }

            return 0;
        }

        var leaf = new Node(parent, start, tokens[..covered].ToArray()) { LastUse = now };
        leaf.Blocks.AddRange(blocks);
        parent.Children.Add(leaf.Tokens[0], leaf);
        return covered;
    }

    private bool MakeRoom(int freeBlocks)
    {
        while (Pool.FreeBlocks < freeBlocks)
        {
            Node? victim = null;
            CacheTenant victimTenant = default;
            foreach ((CacheTenant tenant, Node root) in _roots)
            {
                Node? before = victim;
                FindLru(root, ref victim);
                if (!ReferenceEquals(before, victim))
                {
                    victimTenant = tenant;
                }
            }

            if (victim is null)
            {
                return false;
            }

            if (SpillTier is { } tier)
            {
                (int[] tokens, float[][] keys, float[][] values) = Gather(victim);
                tier.Spill(victimTenant, tokens, keys, values);
            }

            victim.Parent!.Children.Remove(victim.Tokens[0]);
            foreach (KvBlockId b in victim.Blocks)
            {
                Pool.Release(b);
            }
        }

        return true;

        static void FindLru(Node n, ref Node? best)
        {
            if (n.Children.Count == 0)
            {
                if (n.Parent is not null && !n.Pinned && (best is null || n.LastUse < best.LastUse))
                {
                    best = n;
                }

                return;
            }

            foreach (Node c in n.Children.Values)
            {
                FindLru(c, ref best);
            }
        }
    }

    private sealed class Node(Node? parent, int start, int[] tokens)
    {
        public Node? Parent { get; set; } = parent;

        /// <summary>Absolute position of <see cref="Tokens"/>[0].</summary>
        public int Start { get; set; } = start;

        public int[] Tokens { get; set; } = tokens;

        /// <summary>Blocks overlapping positions [Start, Start + Tokens.Length), in order.</summary>
        public List<KvBlockId> Blocks { get; } = [];

        public Dictionary<int, Node> Children { get; } = [];

        public long LastUse { get; set; }

        public bool Pinned { get; set; }
    }
}
