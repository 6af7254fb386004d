using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using System.Threading.Channels;
using Myelin.Inference.Caching;
using Myelin.Inference.Sampling;
using Myelin.Inference.Scheduling;
using Myelin.Models.Tokenization;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;
using PromptMessage = Myelin.Models.Tokenization.ChatTurn;

namespace Myelin.Inference.Chat;

/// <summary>
/// An <see cref="IChatClient"/> over the local engine: renders the conversation with the model's chat template, reuses the
/// longest cached prompt prefix (per tenant), prefills the rest and samples tokens, streaming text as it is decoded.
/// </summary>
/// <remarks>
/// Thread-safe: concurrent requests are batched by an <see cref="EngineScheduler"/> (continuous batching with chunked
/// prefill); a full queue raises <see cref="SchedulerFullException"/>. The tenant for cache isolation is taken from <c>ChatOptions.AdditionalProperties["myelin.tenant"]</c>,
/// which only trusted server code should set. The client owns the model and disposes it.
/// </remarks>
public sealed partial class LocalChatClient : IChatClient
{
    /// <summary>The additional-properties key naming the cache tenant.</summary>
    public const string TenantProperty = "myelin.tenant";

    private readonly InferenceModel _model;
    private readonly Tokenizer _tokenizer;
    private readonly ChatTemplate _template;
    private readonly LocalChatClientOptions _options;
    private readonly RadixPrefixCache? _cache;
    private readonly EngineScheduler _scheduler;
    private readonly int _contextLength;

    /// <summary>Creates a client over a loaded model and its tokenizer.</summary>
    public LocalChatClient(InferenceModel model, Tokenizer tokenizer, ChatTemplate template, string modelId, LocalChatClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        if (tokenizer.VocabularySize != model.Shape.VocabSize)
        {
            throw new ArgumentException($"The tokenizer has {tokenizer.VocabularySize} tokens but the model expects {model.Shape.VocabSize}.", nameof(tokenizer));
        }

        _model = model;
        _tokenizer = tokenizer;
        _template = template;
        _options = options ?? new LocalChatClientOptions();
        _contextLength = Math.Min(_options.ContextLength ?? model.Shape.ContextLength, model.Shape.ContextLength);
        ArgumentOutOfRangeException.ThrowIfLessThan(_contextLength, 2, nameof(options));
        if (_options.CacheBlocks > 0)
        {
            KvSequence probe = model.CreateSequence(1);
            _cache = new RadixPrefixCache(new KvBlockPool(_options.CacheBlocks, _options.CacheBlockTokens, probe.LayerCount, probe.KvDim));
        }

        DiskKvTier? disk = null;
        if (_cache is not null && _options.DiskCacheDirectory is { } directory)
        {
            KvSequence probe = model.CreateSequence(1);
            disk = new DiskKvTier(directory, DiskKvTier.Fingerprint(model), probe.LayerCount, probe.KvDim, _options.DiskCacheBytes);
            _cache.SpillTier = disk;
        }

        if (_options.WarmUp)
        {
            model.WarmUp();
        }

        _scheduler = new EngineScheduler(model, _cache, _options.Scheduler, modelId) { DiskTier = disk };

        Metadata = new ChatClientMetadata("myelin", null, modelId);
    }

    /// <summary>What this client serves.</summary>
    public ChatClientMetadata Metadata { get; }

    /// <summary>Prompt tokens looked up in, and found in, the prefix cache since start.</summary>
    public (long Queried, long Hit) CacheCounters => _cache is null ? (0, 0) : (_cache.QueryTokens, _cache.HitTokens);

    /// <summary>Opens a GGUF file and builds the client from its weights, tokenizer and chat template.</summary>
    /// <exception cref="Myelin.Models.Formats.ModelFormatException">The file, its tokenizer or its chat template is unusable.</exception>
    public static LocalChatClient Open(string path, LocalChatClientOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        InferenceModel model = InferenceModel.Open(path, placement: options?.WeightPlacement ?? WeightPlacement.Resident);
        try
        {
            TokenizerVocabulary vocabulary = TokenizerVocabulary.FromGguf(model.File);
            string name = model.File.TryGetMetadata("general.name", out var value) ? value.AsString() : Path.GetFileNameWithoutExtension(path);
            return new LocalChatClient(model, Tokenizer.Create(vocabulary), ChatTemplate.Detect(vocabulary.ChatTemplate), name, options);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<AiChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (ChatResponseUpdate update in GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            updates.Add(update);
        }

        return updates.ToChatResponse();
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<AiChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        int[] prompt = [.. _tokenizer.Encode(Render(messages), addSpecial: false, parseSpecial: true)];
        return GenerateAsync(prompt, options, cancellationToken);
    }

    /// <summary>
    /// Continues raw text (no chat template): the prompt is encoded as the model's tokenizer does for plain text, with
    /// BOS when the vocabulary asks for it. What <c>/v1/completions</c> serves.
    /// </summary>
    /// <exception cref="ArgumentException">The prompt is empty or too long, or an option is out of range.</exception>
    public IAsyncEnumerable<ChatResponseUpdate> CompleteStreamingAsync(string prompt, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return GenerateAsync([.. _tokenizer.Encode(prompt, addSpecial: true, parseSpecial: false)], options, cancellationToken);
    }

    private async IAsyncEnumerable<ChatResponseUpdate> GenerateAsync(
        int[] prompt, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        int maxTokens = options?.MaxOutputTokens ?? _options.DefaultMaxTokens;
        if (prompt.Length == 0)
        {
            throw new ArgumentException("The prompt is empty.", nameof(prompt));
        }

        if (prompt.Length + 1 > _contextLength)
        {
            throw new ArgumentException(
                $"The prompt is {prompt.Length} tokens; this model's context holds {_contextLength}. Shorten the conversation.", nameof(prompt));
        }

        SamplingOptions sampling = ToSampling(options, Math.Min(maxTokens, _contextLength - prompt.Length));
        sampling.Validate(_model.Shape.VocabSize);
        string[] stopStrings = [.. options?.StopSequences ?? []];

        string responseId = Guid.NewGuid().ToString("N");

        // Ending the enumeration early (a stop string, a caller that stops reading) cancels the request in the engine too.
        using var request = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ChannelReader<GenerationEvent> events = _scheduler.Submit(new GenerationRequest(prompt, sampling, TenantOf(options)), request.Token);
        var decoder = new TokenStreamDecoder(_tokenizer);
        var text = new StringBuilder();
        int emitted = 0, cached = 0, generated = 0;
        ChatFinishReason finish = ChatFinishReason.Length;
        bool stoppedByString = false;
        bool logprobs = WantsLogprobs(options);
        List<TokenLogprobInfo>? pending = logprobs ? [] : null;
        try
        {
            await foreach (GenerationEvent e in events.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                cached = e.CachedPromptTokens;
                if (e.Stop == StopReason.StopToken)
                {
                    finish = ChatFinishReason.Stop;
                    break;
                }

                generated++;
                pending?.Add(Describe(e.Token, e.Logprob, [.. e.TopLogprobs.Select(t => Describe(t.Token, t.Logprob, []))]));
                text.Append(decoder.Push(e.Token));
                if (FindStop(text, stopStrings, emitted) is { } cut)
                {
                    if (cut > emitted)
                    {
                        yield return Update(responseId, text.ToString(emitted, cut - emitted), pending);
                    }

                    finish = ChatFinishReason.Stop;
                    stoppedByString = true;
                    break;
                }

                // Hold back a tail that could still grow into a stop string.
                int safe = text.Length - LongestPartialStop(text, stopStrings);
                if (safe > emitted)
                {
                    yield return Update(responseId, text.ToString(emitted, safe - emitted), pending);
                    emitted = safe;
                }
            }

            if (!stoppedByString)
            {
                text.Append(decoder.Flush());
                if (text.Length > emitted || pending is { Count: > 0 })
                {
                    yield return Update(responseId, text.ToString(emitted, text.Length - emitted), pending);
                }
            }

        }
        finally
        {
            await request.CancelAsync().ConfigureAwait(false);
        }

        yield return new ChatResponseUpdate
        {
            ResponseId = responseId,
            Role = ChatRole.Assistant,
            ModelId = Metadata.DefaultModelId,
            FinishReason = finish,
            Contents =
            [
                new UsageContent(new UsageDetails
                {
                    InputTokenCount = prompt.Length,
                    OutputTokenCount = generated,
                    TotalTokenCount = prompt.Length + generated,
                    CachedInputTokenCount = cached,
                }),
            ],
        };
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? Metadata
            : serviceType.IsInstanceOfType(this) ? this
            : serviceType == typeof(InferenceModel) ? _model
            : serviceType == typeof(Tokenizer) ? _tokenizer
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _scheduler.Dispose();
        _model.Dispose();
    }

    private string Render(IEnumerable<AiChatMessage> messages)
    {
        var prompt = new List<PromptMessage>();
        foreach (AiChatMessage message in messages)
        {
            string role = message.Role == ChatRole.System ? "system"
                : message.Role == ChatRole.User ? "user"
                : message.Role == ChatRole.Assistant ? "assistant"
                : throw new ArgumentException($"Role '{message.Role}' is not supported by the local engine (system, user, assistant).", nameof(messages));
            prompt.Add(new PromptMessage(role, message.Text));
        }

        return _template.Render(prompt, addGenerationPrompt: true);
    }

    private SamplingOptions ToSampling(ChatOptions? options, int maxTokens) => new()
    {
        Temperature = options?.Temperature ?? 0.7f,
        TopP = options?.TopP ?? 1f,
        TopK = options?.TopK ?? 0,
        PresencePenalty = options?.PresencePenalty ?? 0f,
        FrequencyPenalty = options?.FrequencyPenalty ?? 0f,
        Seed = options?.Seed is { } seed ? unchecked((ulong)seed) : null,
        MaxTokens = Math.Max(maxTokens, 1),
        StopTokens = [.. new[] { _tokenizer.Special.Eos, _tokenizer.Special.EndOfTurn }.OfType<int>().Distinct()],
        TopLogprobs = TopLogprobsOf(options),
    };

    private static bool WantsLogprobs(ChatOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(TokenLogprobInfo.RequestProperty, out object? value) == true && value is true;

    private static int TopLogprobsOf(ChatOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(TokenLogprobInfo.TopRequestProperty, out object? value) == true && value is int n ? n : 0;

    private TokenLogprobInfo Describe(int token, float logprob, IReadOnlyList<TokenLogprobInfo> top)
    {
        var bytes = new List<byte>();
        _tokenizer.AppendBytes(token, atStart: false, renderSpecial: true, bytes);
        return new TokenLogprobInfo(System.Text.Encoding.UTF8.GetString([.. bytes]), bytes, logprob, top);
    }

    private static CacheTenant TenantOf(ChatOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(TenantProperty, out object? value) == true && value is string { Length: > 0 } tenant
            ? new CacheTenant(tenant)
            : CacheTenant.Default;

    /// <summary>A text update; carries (and hands over) the log-probabilities of the tokens it covers when they were asked for.</summary>
    private ChatResponseUpdate Update(string responseId, string text, List<TokenLogprobInfo>? pending)
    {
        var update = new ChatResponseUpdate(ChatRole.Assistant, text) { ResponseId = responseId, ModelId = Metadata.DefaultModelId };
        if (pending is { Count: > 0 })
        {
            update.AdditionalProperties = new AdditionalPropertiesDictionary { [TokenLogprobInfo.UpdateProperty] = pending.ToArray() };
            pending.Clear();
        }

        return update;
    }

    /// <summary>Where the text must end because a stop string appears past <paramref name="from"/>, or null.</summary>
    private static int? FindStop(StringBuilder text, string[] stops, int from)
    {
        if (stops.Length == 0)
        {
            return null;
        }

        string s = text.ToString();
        int best = -1;
        foreach (string stop in stops)
        {
            int at = s.IndexOf(stop, Math.Max(0, from - stop.Length + 1), StringComparison.Ordinal);
            if (at >= 0 && (best < 0 || at < best))
            {
                best = at;
            }
        }

        return best < 0 ? null : best;
    }

    private static int LongestPartialStop(StringBuilder text, string[] stops)
    {
        int longest = 0;
        foreach (string stop in stops)
        {
            for (int n = Math.Min(stop.Length - 1, text.Length); n > longest; n--)
            {
                if (text.ToString(text.Length - n, n) == stop[..n])
                {
                    longest = n;
                    break;
                }
            }
        }

        return longest;
    }
}
