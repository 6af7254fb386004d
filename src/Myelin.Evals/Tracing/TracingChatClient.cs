using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Myelin.Evals.Internal;

namespace Myelin.Evals.Tracing;

/// <summary>
/// Middleware that records every chat call as an OpenTelemetry span and metrics that follow the GenAI semantic
/// conventions: span <c>{gen_ai.operation.name} {gen_ai.request.model}</c> of kind client, request and response
/// attributes, token usage, cost and <c>error.type</c>.
/// </summary>
/// <remarks>
/// <para>Thread-safe when the inner client is. Spans come from the <see cref="ActivitySource"/> named
/// <see cref="EvalsAssembly.TelemetryName"/>; nothing is recorded unless a listener (an OpenTelemetry SDK, or
/// <see cref="SpanRecorder"/>) listens to it.</para>
/// <para>Security: message contents are captured only when <see cref="TracingChatClientOptions.EnableSensitiveData"/> is set.
/// The end user is taken from <c>ChatOptions.AdditionalProperties["user.id"]</c> when present.</para>
/// </remarks>
public sealed class TracingChatClient : DelegatingChatClient
{
    /// <summary>The key in <see cref="ChatOptions.AdditionalProperties"/> that names the end user (recorded as <c>user.id</c>).</summary>
    public const string UserIdProperty = "user.id";

    private readonly TracingChatClientOptions _options;
    private readonly GenAiMetrics _metrics;
    private readonly bool _ownsMetrics;
    private readonly string _providerName;
    private readonly string? _serverAddress;
    private readonly int? _serverPort;
    private readonly string? _defaultModel;

    /// <summary>Wraps <paramref name="innerClient"/>.</summary>
    /// <param name="innerClient">The client to trace.</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <param name="metrics">Shared metric instruments; the client creates and owns its own when null.</param>
    public TracingChatClient(IChatClient innerClient, TracingChatClientOptions? options = null, GenAiMetrics? metrics = null)
        : base(innerClient)
    {
        _options = options ?? new TracingChatClientOptions();
        ArgumentNullException.ThrowIfNull(_options.Prices, "options.Prices");
        _ownsMetrics = metrics is null;
        _metrics = metrics ?? new GenAiMetrics();
        ChatClientMetadata? metadata = innerClient.GetService<ChatClientMetadata>();
        _providerName = _options.ProviderName ?? metadata?.ProviderName ?? "unknown";
        _defaultModel = metadata?.DefaultModelId;
        if (metadata?.ProviderUri is { } uri)
        {
            _serverAddress = uri.Host;
            _serverPort = uri.Port;
        }
    }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        IReadOnlyList<ChatMessage> history = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        using Activity? activity = StartChatActivity(history, options);
        long started = Stopwatch.GetTimestamp();
        string? requestModel = options?.ModelId ?? _defaultModel;
        try
        {
            ChatResponse response = await base.GetResponseAsync(history, options, cancellationToken).ConfigureAwait(false);
            Complete(activity, requestModel, response, started, error: null);
            return response;
        }
        catch (Exception ex)
        {
            Complete(activity, requestModel, response: null, started, ex);
            throw;
        }
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        IReadOnlyList<ChatMessage> history = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        using Activity? activity = StartChatActivity(history, options);
        long started = Stopwatch.GetTimestamp();
        string? requestModel = options?.ModelId ?? _defaultModel;
        var updates = new List<ChatResponseUpdate>();
        IAsyncEnumerator<ChatResponseUpdate> enumerator;
        try
        {
            enumerator = base.GetStreamingResponseAsync(history, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception ex)
        {
            Complete(activity, requestModel, response: null, started, ex);
            throw;
        }

        await using (enumerator.ConfigureAwait(false))
        {
            while (true)
            {
                ChatResponseUpdate update;
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    update = enumerator.Current;
                }
                catch (Exception ex)
                {
                    Complete(activity, requestModel, response: null, started, ex);
                    throw;
                }

                updates.Add(update);
                yield return update;
            }
        }

        Complete(activity, requestModel, updates.ToChatResponse(), started, error: null);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && _ownsMetrics)
        {
            _metrics.Dispose();
        }

        base.Dispose(disposing);
    }

    private Activity? StartChatActivity(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        string? model = options?.ModelId ?? _defaultModel;
        Activity? activity = GenAiSpans.Source.StartActivity(
            string.IsNullOrEmpty(model) ? GenAiOperationNames.Chat : $"{GenAiOperationNames.Chat} {model}", ActivityKind.Client);
        if (activity is null || !activity.IsAllDataRequested)
        {
            return activity;
        }

        activity.SetTag(GenAiAttributes.OperationName, GenAiOperationNames.Chat)
            .SetTag(GenAiAttributes.ProviderName, _providerName)
            .SetTag(GenAiAttributes.RequestModel, model);
        if (_serverAddress is not null)
        {
            activity.SetTag(GenAiAttributes.ServerAddress, _serverAddress).SetTag(GenAiAttributes.ServerPort, _serverPort);
        }

        if (options is not null)
        {
            TagRequest(activity, options);
        }

        if (_options.EnableSensitiveData)
        {
            activity.SetTag(GenAiAttributes.InputMessages, GenAiMessageJson.Input(messages));
            if (!string.IsNullOrEmpty(options?.Instructions))
            {
                activity.SetTag(GenAiAttributes.SystemInstructions, GenAiMessageJson.Instructions(options.Instructions));
            }
        }

        return activity;
    }

    private static void TagRequest(Activity activity, ChatOptions options)
    {
        SetIfPresent(activity, GenAiAttributes.RequestTemperature, options.Temperature);
        SetIfPresent(activity, GenAiAttributes.RequestTopP, options.TopP);
        SetIfPresent(activity, GenAiAttributes.RequestTopK, (double?)options.TopK);
        SetIfPresent(activity, GenAiAttributes.RequestMaxTokens, options.MaxOutputTokens);
        SetIfPresent(activity, GenAiAttributes.RequestFrequencyPenalty, options.FrequencyPenalty);
        SetIfPresent(activity, GenAiAttributes.RequestPresencePenalty, options.PresencePenalty);
        SetIfPresent(activity, GenAiAttributes.RequestSeed, options.Seed);
        if (options.StopSequences is { Count: > 0 } stops)
        {
            activity.SetTag(GenAiAttributes.RequestStopSequences, stops.ToArray());
        }

        if (!string.IsNullOrEmpty(options.ConversationId))
        {
            activity.SetTag(GenAiAttributes.ConversationId, options.ConversationId);
        }

        if (options.ResponseFormat is not null)
        {
            activity.SetTag(GenAiAttributes.OutputType, options.ResponseFormat is ChatResponseFormatJson ? "json" : "text");
        }

        if (options.AdditionalProperties?.TryGetValue(UserIdProperty, out object? user) == true && user is string userId)
        {
            activity.SetTag(GenAiAttributes.UserId, userId);
        }
    }

    private static void SetIfPresent<T>(Activity activity, string name, T? value)
        where T : struct
    {
        if (value is { } v)
        {
            activity.SetTag(name, v);
        }
    }

    private void Complete(Activity? activity, string? requestModel, ChatResponse? response, long started, Exception? error)
    {
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        string? responseModel = response?.ModelId;
        var tags = new TagList
        {
            { GenAiAttributes.OperationName, GenAiOperationNames.Chat },
            { GenAiAttributes.ProviderName, _providerName },
        };
        if (requestModel is not null)
        {
            tags.Add(GenAiAttributes.RequestModel, requestModel);
        }

        if (responseModel is not null)
        {
            tags.Add(GenAiAttributes.ResponseModel, responseModel);
        }

        if (_serverAddress is not null)
        {
            tags.Add(GenAiAttributes.ServerAddress, _serverAddress);
        }

        if (error is not null)
        {
            string errorType = error.GetType().FullName ?? error.GetType().Name;
            tags.Add(GenAiAttributes.ErrorType, errorType);
            activity?.SetTag(GenAiAttributes.ErrorType, errorType).SetStatus(ActivityStatusCode.Error, error.Message);
        }

        _metrics.OperationDuration.Record(seconds, tags);
        if (response is null)
        {
            return;
        }

        UsageDetails? usage = response.Usage;
        if (usage?.InputTokenCount is { } input)
        {
            TagList inputTags = tags;
            inputTags.Add(GenAiAttributes.TokenType, "input");
            _metrics.TokenUsage.Record(input, inputTags);
        }

        if (usage?.OutputTokenCount is { } output)
        {
            TagList outputTags = tags;
            outputTags.Add(GenAiAttributes.TokenType, "output");
            _metrics.TokenUsage.Record(output, outputTags);
        }

        if (activity is { IsAllDataRequested: true })
        {
            TagResponse(activity, requestModel, response);
        }
    }

    private void TagResponse(Activity activity, string? requestModel, ChatResponse response)
    {
        if (response.ResponseId is { } id)
        {
            activity.SetTag(GenAiAttributes.ResponseId, id);
        }

        if (response.ModelId is { } model)
        {
            activity.SetTag(GenAiAttributes.ResponseModel, model);
        }

        if (response.FinishReason is { } finish)
        {
            activity.SetTag(GenAiAttributes.ResponseFinishReasons, new[] { finish.Value });
        }

        if (response.ConversationId is { } conversation && activity.GetTagItem(GenAiAttributes.ConversationId) is null)
        {
            activity.SetTag(GenAiAttributes.ConversationId, conversation);
        }

        UsageDetails? usage = response.Usage;
        SetIfPresent(activity, GenAiAttributes.UsageInputTokens, usage?.InputTokenCount);
        SetIfPresent(activity, GenAiAttributes.UsageOutputTokens, usage?.OutputTokenCount);
        SetIfPresent(activity, GenAiAttributes.UsageCacheReadInputTokens, usage?.CachedInputTokenCount);
        if (usage is not null && _options.Prices.TryGetPrice(response.ModelId ?? requestModel, out ModelPrice price))
        {
            decimal cost = price.Cost(usage.InputTokenCount ?? 0, usage.OutputTokenCount ?? 0, usage.CachedInputTokenCount ?? 0);
            activity.SetTag(GenAiAttributes.CostUsd, (double)cost);
        }

        if (_options.EnableSensitiveData)
        {
            activity.SetTag(GenAiAttributes.OutputMessages, GenAiMessageJson.Output(response));
        }
    }
}
