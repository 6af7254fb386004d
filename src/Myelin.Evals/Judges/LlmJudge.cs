using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Myelin.Core;

namespace Myelin.Evals.Judges;

/// <summary>
/// Asks any <see cref="IChatClient"/> to score against a <see cref="RubricTemplate"/> in a strict JSON format, with one
/// retry on unparseable output and a cache keyed by (rubric id + version, judge model, SHA-256 of the rendered request).
/// </summary>
/// <remarks>
/// Thread-safe when the chat client and cache are. A cached response is re-validated before use; judging that fails twice
/// returns an outcome with an <see cref="JudgeOutcome.Error"/> and is not cached, so nothing ever defaults silently.
/// </remarks>
public sealed partial class LlmJudge
{
    private readonly IChatClient _client;
    private readonly IJudgeCache? _cache;
    private readonly ILogger _logger;

    /// <summary>Creates a judge over <paramref name="client"/> (not owned).</summary>
    public LlmJudge(IChatClient client, LlmJudgeOptions? options = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _cache = options?.Cache;
        _logger = options?.LoggerFactory?.CreateLogger<LlmJudge>() ?? NullLogger<LlmJudge>.Instance;
        ModelId = options?.ModelId ?? client.GetService<ChatClientMetadata>()?.DefaultModelId ?? "default";
    }

    /// <summary>The judge model id used in requests and cache keys.</summary>
    public string ModelId { get; }

    /// <summary>The cache key of a rendered request.</summary>
    public JudgeCacheKey KeyFor(RubricTemplate template, string system, string user)
    {
        ArgumentNullException.ThrowIfNull(template);
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes($"system\u001f{system}\u001euser\u001f{user}"));
        return new JudgeCacheKey(template.Id, template.Version, ModelId, Convert.ToHexStringLower(hash));
    }

    /// <summary>Judges one rendering of <paramref name="template"/>.</summary>
    /// <param name="template">The rubric.</param>
    /// <param name="variables">Placeholder values (<c>input</c>, <c>output</c>, <c>expected</c>, <c>context</c>, <c>claim</c>).</param>
    /// <param name="tenant">Scopes the cache rows.</param>
    /// <param name="cancellationToken">Cancels the judging.</param>
    public async Task<JudgeOutcome> JudgeAsync(
        RubricTemplate template, IReadOnlyDictionary<string, string?> variables, TenantId tenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(variables);
        string system = template.SystemPrompt + "\n\n" + JudgeResponseParser.FormatInstruction(template);
        string user = template.Render(variables);
        JudgeCacheKey key = KeyFor(template, system, user);
        if (_cache is not null
            && await _cache.GetAsync(tenant, key, cancellationToken).ConfigureAwait(false) is { } cached
            && JudgeResponseParser.TryParse(cached, template, out JudgeVerdict? hit, out _))
        {
            return new JudgeOutcome(hit, null, 0, FromCache: true);
        }

        List<ChatMessage> messages = [new(ChatRole.System, system), new(ChatRole.User, user)];
        var chatOptions = new ChatOptions { ModelId = ModelId, Temperature = 0, ResponseFormat = ChatResponseFormat.Json };
        string first = (await _client.GetResponseAsync(messages, chatOptions, cancellationToken).ConfigureAwait(false)).Text;
        if (JudgeResponseParser.TryParse(first, template, out JudgeVerdict? verdict, out string? error))
        {
            await StoreAsync(tenant, key, first, cancellationToken).ConfigureAwait(false);
            return new JudgeOutcome(verdict, null, 1, FromCache: false);
        }

        LogRetry(_logger, template.Id, ModelId, error);
        messages.Add(new ChatMessage(ChatRole.Assistant, first));
        messages.Add(new ChatMessage(ChatRole.User, $"That reply was not valid: {error}. {JudgeResponseParser.FormatInstruction(template)}"));
        string second = (await _client.GetResponseAsync(messages, chatOptions, cancellationToken).ConfigureAwait(false)).Text;
        if (JudgeResponseParser.TryParse(second, template, out verdict, out string? secondError))
        {
            await StoreAsync(tenant, key, second, cancellationToken).ConfigureAwait(false);
            return new JudgeOutcome(verdict, null, 2, FromCache: false);
        }

        LogFailed(_logger, template.Id, ModelId, secondError);
        return new JudgeOutcome(null, $"The judge '{ModelId}' gave no valid verdict for rubric '{template.Id}' v{template.Version} after one retry: {secondError}.", 2, FromCache: false);
    }

    private Task StoreAsync(TenantId tenant, JudgeCacheKey key, string response, CancellationToken cancellationToken) =>
        _cache is null ? Task.CompletedTask : _cache.SetAsync(tenant, key, response, cancellationToken);

    [LoggerMessage(EventId = 6111, Level = LogLevel.Warning, Message = "Judge {Model} answered rubric {Rubric} unparseably ({Error}); retrying once")]
    private static partial void LogRetry(ILogger logger, string rubric, string model, string error);

    [LoggerMessage(EventId = 6112, Level = LogLevel.Error, Message = "Judge {Model} gave no valid verdict for rubric {Rubric} after a retry: {Error}")]
    private static partial void LogFailed(ILogger logger, string rubric, string model, string error);
}
