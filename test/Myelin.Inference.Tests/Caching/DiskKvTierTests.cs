using Microsoft.Extensions.AI;
using Myelin.Inference.Chat;
using Myelin.Inference.Models;
using Myelin.Models.Formats;
using Myelin.Models.Tokenization;
using Myelin.TestUtilities;

namespace Myelin.Inference.Caching;

public sealed class DiskKvTierTests
{
    private static readonly int[] s_prefix = [.. Enumerable.Range(1, 40).Select(i => (i * 7) % 60)];

    [Fact]
    public void Evicted_prefixes_spill_to_disk_and_restore_bit_identical_after_a_restart()
    {
        using var directory = new TempDirectory("myelin-kv-disk");
        using InferenceModel model = InferenceModel.Open(TestModels.Get(TestModels.Llama, GgmlType.Q8_0));
        KvSequence computed = model.CreateSequence(s_prefix.Length + 1);
        model.Prefill(computed, s_prefix, new float[model.Shape.VocabSize]);
        string fingerprint = DiskKvTier.Fingerprint(model);

        // A pool with room for one prefix: storing a second one evicts (and spills) the first.
        var disk = new DiskKvTier(directory.Path, fingerprint, computed.LayerCount, computed.KvDim, minTokens: 16);
        var cache = new RadixPrefixCache(new KvBlockPool(3, 16, computed.LayerCount, computed.KvDim)) { SpillTier = disk };
        var tenant = new CacheTenant("acme");
        cache.Store(tenant, s_prefix, computed);
        int[] other = [.. s_prefix.Select(t => t + 1)];
        KvSequence otherSequence = model.CreateSequence(other.Length);
        model.Prefill(otherSequence, other, new float[model.Shape.VocabSize]);
        cache.Store(tenant, other, otherSequence);
        Assert.Equal(1, disk.Count);

        // "Restart": a new tier over the same directory finds the file; memory has nothing of the first prefix.
        var reopened = new DiskKvTier(directory.Path, fingerprint, computed.LayerCount, computed.KvDim, minTokens: 16);
        Assert.Equal(1, reopened.Count);
        KvSequence restored = model.CreateSequence(s_prefix.Length + 1);
        int loaded = reopened.Restore(tenant, s_prefix, restored, 0);
        Assert.Equal(s_prefix.Length, loaded);
        for (int l = 0; l < computed.LayerCount; l++)
        {
            Assert.True(computed.Keys(l).SequenceEqual(restored.Keys(l)), $"keys of layer {l} differ");
            Assert.True(computed.Values(l).SequenceEqual(restored.Values(l)), $"values of layer {l} differ");
        }

        // Another tenant never sees it, and a model with another fingerprint ignores the directory.
        Assert.Equal(0, reopened.Restore(new CacheTenant("globex"), s_prefix, model.CreateSequence(s_prefix.Length + 1), 0));
        Assert.Equal(0, new DiskKvTier(directory.Path, "another-model", computed.LayerCount, computed.KvDim).Count);
    }

    [Fact]
    public void Damaged_files_and_leftover_temp_files_are_ignored()
    {
        using var directory = new TempDirectory("myelin-kv-disk");
        File.WriteAllBytes(Path.Combine(directory.Path, "garbage.kv"), [1, 2, 3, 4, 5]);
        File.WriteAllText(Path.Combine(directory.Path, "half.kv.0123.tmp"), "partial");
        var tier = new DiskKvTier(directory.Path, "model", 2, 8);
        Assert.Equal(0, tier.Count);
        Assert.False(File.Exists(Path.Combine(directory.Path, "half.kv.0123.tmp")));
    }

    [Fact]
    public async Task A_restarted_chat_client_reuses_a_system_prompt_it_spilled_before()
    {
        using var directory = new TempDirectory("myelin-kv-chat");
        string path = directory.Combine("model.gguf");
        TokenizerVocabulary vocabulary = SyntheticVocabulary.BytePair(700);
        ModelSynthesizer.Write(
            new SynthesisOptions(new ModelShape(ModelArchitecture.Qwen2, vocabulary.Count, 1024, 64, 2, 128, 4, 2, TiedEmbeddings: true), GgmlType.Q8_0, Seed: 2)
            { Tokenizer = new VocabularyMetadataSource(vocabulary) },
            path);
        var options = new LocalChatClientOptions { CacheBlocks = 24, CacheBlockTokens = 16, DiskCacheDirectory = directory.Combine("kv") };
        string system = string.Join(' ', Enumerable.Repeat("You are a careful planner who keeps track of every meeting.", 12));
        ChatMessage[] first = [new(ChatRole.System, system), new(ChatRole.User, "Plan Monday.")];
        var greedy = new ChatOptions { Temperature = 0, MaxOutputTokens = 3 };

        using (LocalChatClient client = LocalChatClient.Open(path, options))
        {
            await client.GetResponseAsync(first, greedy);

            // Unrelated long prompts push the first one out of the small memory pool and onto disk.
            for (int i = 0; i < 3; i++)
            {
                await client.GetResponseAsync([new ChatMessage(ChatRole.User, string.Join(' ', Enumerable.Repeat($"Filler {i} about nothing.", 40)))], greedy);
            }
        }

        using LocalChatClient restarted = LocalChatClient.Open(path, options);
        ChatResponse again = await restarted.GetResponseAsync([new(ChatRole.System, system), new(ChatRole.User, "Plan Tuesday.")], greedy);
        Assert.True(again.Usage!.CachedInputTokenCount > 100, $"restored {again.Usage.CachedInputTokenCount} tokens from disk");
    }
}
