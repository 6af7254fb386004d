using Microsoft.Extensions.AI;
using Myelin.Inference.Models;
using Myelin.Models.Formats;
using Myelin.Models.Tokenization;
using Myelin.TestUtilities;

namespace Myelin.Inference.Chat;

public sealed class LocalChatClientTests : IDisposable
{
    private readonly TempDirectory _directory = new("myelin-local-chat");

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(ModelArchitecture.Qwen2, ChatTemplateKind.ChatMl)]
    [InlineData(ModelArchitecture.Llama, ChatTemplateKind.Llama3)]
    public async Task Same_seed_gives_the_same_answer_and_streaming_matches(ModelArchitecture architecture, ChatTemplateKind family)
    {
        using LocalChatClient client = LocalChatClient.Open(Synthesize(architecture, SyntheticVocabulary.BytePair(700, family)));
        ChatMessage[] conversation = [new(ChatRole.System, "Be brief."), new(ChatRole.User, "Where is the meeting on Friday?")];
        var options = new ChatOptions { Temperature = 0.9f, Seed = 42, MaxOutputTokens = 12 };

        ChatResponse first = await client.GetResponseAsync(conversation, options);
        ChatResponse second = await client.GetResponseAsync(conversation, options);
        Assert.Equal(first.Text, second.Text);
        Assert.NotNull(first.Usage);
        Assert.True(first.Usage.OutputTokenCount is > 0 and <= 12);
        Assert.True(first.Usage.InputTokenCount > 10);

        var streamed = new System.Text.StringBuilder();
        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync(conversation, options))
        {
            streamed.Append(update.Text);
        }

        Assert.Equal(first.Text, streamed.ToString());
        Assert.Equal("myelin-synthetic", client.GetService<ChatClientMetadata>()?.DefaultModelId);
    }

    [Fact]
    public async Task A_later_turn_reuses_the_cached_prefix_and_tenants_do_not_share()
    {
        using LocalChatClient client = LocalChatClient.Open(Synthesize(ModelArchitecture.Qwen2, SyntheticVocabulary.BytePair(700)));
        var options = new ChatOptions { Temperature = 0, MaxOutputTokens = 6, AdditionalProperties = new() { [LocalChatClient.TenantProperty] = "acme" } };
        List<ChatMessage> conversation = [new(ChatRole.System, "You are a planner for a small team."), new(ChatRole.User, "Plan the week.")];

        ChatResponse turn1 = await client.GetResponseAsync(conversation, options);
        Assert.Equal(0, turn1.Usage!.CachedInputTokenCount);

        conversation.Add(new ChatMessage(ChatRole.Assistant, turn1.Text));
        conversation.Add(new ChatMessage(ChatRole.User, "And the weekend?"));
        ChatResponse turn2 = await client.GetResponseAsync(conversation, options);
        Assert.True(turn2.Usage!.CachedInputTokenCount > 10, $"turn 2 reused {turn2.Usage.CachedInputTokenCount} tokens");

        var otherTenant = new ChatOptions { Temperature = 0, MaxOutputTokens = 6, AdditionalProperties = new() { [LocalChatClient.TenantProperty] = "globex" } };
        ChatResponse foreign = await client.GetResponseAsync(conversation, otherTenant);
        Assert.Equal(0, foreign.Usage!.CachedInputTokenCount);

        // Reusing the cache does not change the answer.
        Assert.Equal(foreign.Text, turn2.Text);
    }

    [Fact]
    public async Task Stop_strings_cut_the_text_and_bad_requests_are_clear_errors()
    {
        using LocalChatClient client = LocalChatClient.Open(Synthesize(ModelArchitecture.Qwen2, SyntheticVocabulary.BytePair(700)));
        ChatMessage[] conversation = [new(ChatRole.User, "Say something.")];
        ChatResponse free = await client.GetResponseAsync(conversation, new ChatOptions { Temperature = 0, MaxOutputTokens = 20 });
        Assert.True(free.Text.Length >= 4, $"expected some text, got '{free.Text}'");
        string stop = free.Text.Substring(2, 2);
        ChatResponse cut = await client.GetResponseAsync(conversation, new ChatOptions { Temperature = 0, MaxOutputTokens = 20, StopSequences = [stop] });
        Assert.Equal(free.Text[..free.Text.IndexOf(stop, StringComparison.Ordinal)], cut.Text);
        Assert.Equal(ChatFinishReason.Stop, cut.FinishReason);

        await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, new string('x', 5000))]));
        await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync(conversation, new ChatOptions { Temperature = -1 }));
        await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.Tool, "x")]));
    }

    [Fact]
    public void A_model_without_a_tokenizer_cannot_be_chatted_with()
    {
        string path = _directory.Combine("bare.gguf");
        ModelSynthesizer.Write(new SynthesisOptions(Shape(ModelArchitecture.Llama, 300), GgmlType.F32, Seed: 1), path);
        Assert.Contains("tokenizer", Assert.Throws<ModelFormatException>(() => LocalChatClient.Open(path)).Message, StringComparison.Ordinal);
    }

    private string Synthesize(ModelArchitecture architecture, TokenizerVocabulary vocabulary)
    {
        string path = _directory.Combine($"{architecture}-{vocabulary.Count}.gguf");
        ModelSynthesizer.Write(
            new SynthesisOptions(Shape(architecture, vocabulary.Count), GgmlType.Q8_0, Seed: 3) { Tokenizer = new VocabularyMetadataSource(vocabulary) },
            path);
        return path;
    }

    private static ModelShape Shape(ModelArchitecture architecture, int vocab) =>
        new(architecture, vocab, ContextLength: 512, EmbeddingLength: 64, BlockCount: 2, FeedForwardLength: 128, HeadCount: 4, HeadCountKv: 2,
            TiedEmbeddings: architecture == ModelArchitecture.Qwen2);
}
