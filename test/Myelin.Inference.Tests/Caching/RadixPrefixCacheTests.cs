using Myelin.Models.Formats;

namespace Myelin.Inference.Caching;

public sealed class RadixPrefixCacheTests
{
    private static KvBlockPool PoolFor(InferenceModel model, int blocks, int blockTokens = 4) =>
        new(blocks, blockTokens, model.Shape.BlockCount, model.Shape.KvDim);

    private static InferenceModel Model() => InferenceModel.Open(TestModels.Get(TestModels.Llama, GgmlType.F32));

    private static KvSequence Prefilled(InferenceModel model, int[] tokens)
    {
        KvSequence seq = model.CreateSequence(32);
        model.Prefill(seq, tokens, new float[model.Shape.VocabSize]);
        return seq;
    }

    [Fact]
    public void A_shared_prefix_hits_and_the_reloaded_kv_gives_the_same_logits()
    {
        using InferenceModel model = Model();
        var cache = new RadixPrefixCache(PoolFor(model, 16));
        int[] system = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
        int[] first = [.. system, 20, 21, 22];
        int[] second = [.. system, 30, 31];
        Assert.Equal(first.Length, cache.Store(CacheTenant.Default, first, Prefilled(model, first)));

        KvSequence seq = model.CreateSequence(32);
        int loaded = cache.Load(CacheTenant.Default, second.AsSpan(0, second.Length - 1), seq);
        Assert.Equal(system.Length, loaded);
        var cached = new float[model.Shape.VocabSize];
        model.Prefill(seq, second.AsSpan(loaded), cached);

        var fresh = new float[model.Shape.VocabSize];
        model.Prefill(model.CreateSequence(32), second, fresh);
        for (int i = 0; i < fresh.Length; i++)
        {
            Assert.True(Math.Abs(fresh[i] - cached[i]) < 1e-5, $"logit {i}: {fresh[i]} vs {cached[i]}");
        }

        Assert.Equal(second.Length - 1, cache.QueryTokens);
        Assert.Equal(system.Length, cache.HitTokens);
    }

    [Fact]
    public void Branches_split_inside_blocks_and_share_them_by_reference()
    {
        using InferenceModel model = Model();
        KvBlockPool pool = PoolFor(model, 32);
        var cache = new RadixPrefixCache(pool);
        int[] a = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        int[] b = [1, 2, 3, 4, 5, 6, 40, 41];
        int[] c = [1, 2, 50];
        cache.Store(CacheTenant.Default, a, Prefilled(model, a));
        int afterA = pool.UsedBlocks;
        Assert.Equal(3, afterA);
        cache.Store(CacheTenant.Default, b, Prefilled(model, b));
        cache.Store(CacheTenant.Default, c, Prefilled(model, c));
        Assert.Equal(9, cache.MatchLength(CacheTenant.Default, a));
        Assert.Equal(8, cache.MatchLength(CacheTenant.Default, b));
        Assert.Equal(3, cache.MatchLength(CacheTenant.Default, c));
        Assert.Equal(6, cache.MatchLength(CacheTenant.Default, [1, 2, 3, 4, 5, 6, 99]));
        Assert.Equal(12, cache.CachedTokens(CacheTenant.Default));

        // Every branch reloads KV identical to a fresh prefill of it.
        foreach (int[] tokens in new[] { a, b, c })
        {
            KvSequence fresh = Prefilled(model, tokens);
            KvSequence loaded = model.CreateSequence(32);
            Assert.Equal(tokens.Length, cache.Load(CacheTenant.Default, tokens, loaded));
            for (int l = 0; l < model.Shape.BlockCount; l++)
            {
                Assert.Equal(fresh.Keys(l).ToArray(), loaded.Keys(l).ToArray());
                Assert.Equal(fresh.Values(l).ToArray(), loaded.Values(l).ToArray());
            }
        }
    }

    [Fact]
    public void Tenants_never_share_prefixes()
    {
        using InferenceModel model = Model();
        KvBlockPool pool = PoolFor(model, 16);
        var cache = new RadixPrefixCache(pool);
        int[] prompt = [3, 1, 4, 1, 5, 9, 2, 6];
        var alice = new CacheTenant("alice");
        var bob = new CacheTenant("bob");
        cache.Store(alice, prompt, Prefilled(model, prompt));
        int used = pool.UsedBlocks;
        Assert.Equal(0, cache.Load(bob, prompt, model.CreateSequence(32)));
        Assert.Equal(prompt.Length, cache.Load(alice, prompt, model.CreateSequence(32)));

        // Bob storing the same prompt gets his own blocks.
        cache.Store(bob, prompt, Prefilled(model, prompt));
        Assert.Equal(2 * used, pool.UsedBlocks);
        cache.Clear(alice);
        Assert.Equal(used, pool.UsedBlocks);
        Assert.Equal(prompt.Length, cache.MatchLength(bob, prompt));
        Assert.Equal(0, cache.MatchLength(alice, prompt));
    }

    [Fact]
    public void Eviction_frees_least_recently_used_leaves()
    {
        using InferenceModel model = Model();
        KvBlockPool pool = PoolFor(model, 6);
        var cache = new RadixPrefixCache(pool);
        int[] a = [1, 2, 3, 4, 5, 6, 7, 8];
        int[] b = [9, 10, 11, 12, 13, 14, 15, 16];
        int[] c = [17, 18, 19, 20, 21, 22, 23, 24];
        cache.Store(CacheTenant.Default, a, Prefilled(model, a));
        cache.Store(CacheTenant.Default, b, Prefilled(model, b));
        Assert.Equal(4, pool.UsedBlocks);
        Assert.Equal(a.Length, cache.Load(CacheTenant.Default, a, model.CreateSequence(32)));

        // c needs two blocks, only two are free; then one more prefix forces out the least recently used (b).
        cache.Store(CacheTenant.Default, c, Prefilled(model, c));
        Assert.Equal(6, pool.UsedBlocks);
        int[] d = [25, 26, 27, 28];
        Assert.Equal(d.Length, cache.Store(CacheTenant.Default, d, Prefilled(model, d)));
        Assert.Equal(0, cache.MatchLength(CacheTenant.Default, b));
        Assert.Equal(a.Length, cache.MatchLength(CacheTenant.Default, a));
        Assert.Equal(c.Length, cache.MatchLength(CacheTenant.Default, c));
        Assert.Equal(5, pool.UsedBlocks);

        Assert.True(cache.EvictUntilFree(pool.BlockCount));
        Assert.Equal(0, pool.UsedBlocks);
        Assert.Equal(0, cache.CachedTokens(CacheTenant.Default));
    }

    [Fact]
    public void A_full_pool_stores_what_fits()
    {
        using InferenceModel model = Model();
        KvBlockPool pool = PoolFor(model, 2);
        var cache = new RadixPrefixCache(pool);
        int[] a = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
        Assert.Equal(8, cache.Store(CacheTenant.Default, a, Prefilled(model, a)));
        Assert.Equal(8, cache.MatchLength(CacheTenant.Default, a));
        Assert.Equal(2, pool.UsedBlocks);
    }

    [Fact]
    public void Block_references_are_counted()
    {
        var pool = new KvBlockPool(2, 4, 1, 8);
        Assert.True(pool.TryAllocate(out KvBlockId x));
        pool.AddReference(x);
        Assert.Equal(2, pool.ReferenceCount(x));
        pool.Release(x);
        Assert.Equal(1, pool.UsedBlocks);
        pool.Release(x);
        Assert.Equal(0, pool.UsedBlocks);
        Assert.Throws<InvalidOperationException>(() => pool.Release(x));
        Assert.True(pool.TryAllocate(out _));
        Assert.True(pool.TryAllocate(out _));
        Assert.False(pool.TryAllocate(out _));
        Assert.Equal(2L * 1 * 4 * 8 * sizeof(float), pool.BytesPerBlock);
    }
}
