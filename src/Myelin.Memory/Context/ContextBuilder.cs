using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Myelin.Core;
using Myelin.Memory.Internal;
using Myelin.Memory.Retrieval;

namespace Myelin.Memory.Context;

/// <summary>Assembles what a model sees within a token budget: system prompt, recalled memories, a summary of older
/// turns, the recent turns verbatim and the current turn; and reports what it spent and what it left out, and why.</summary>
/// <remarks>
/// <para>Priorities: the system prompt and the current turn always stay (a budget that cannot hold them is an error);
/// then memories, best first, up to <see cref="ContextBuilderOptions.MemoryShare"/> of the available tokens; then the
/// recent turns, newest first, while they fit (the rest join the older turns), leaving a quarter of what remains for
/// the summary when there is anything to summarise; then a summary of the older turns in what is left, at most
/// <see cref="ContextBuilderOptions.MaxSummaryTokens"/>.</para>
/// <para>Every message costs its text's tokens plus <see cref="ContextBuilderOptions.PerMessageOverhead"/>, counted by
/// <see cref="ContextBuilderOptions.TokenCounter"/> on the final text of each message, so the sum reported is the sum
/// sent and never exceeds the budget minus the answer reserve.</para>
/// <para>The summary comes from <see cref="ContextBuilderOptions.Summariser"/> when one is set (one call, bounded in
/// time and output tokens); when it fails, or with no summariser, the most informative sentences are picked
/// (deterministic for a given <see cref="ContextBuilderOptions.Seed"/>).</para>
/// <para>Thread-safe: a builder holds only its options.</para>
/// </remarks>
public sealed partial class ContextBuilder
{
    private const string SummaryHeader = "Summary of the earlier conversation:\n";

    // Below this a summary cannot say anything useful; its turns are reported as over budget instead.
    private const int MinSummaryTextTokens = 8;

    private readonly ContextBuilderOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates a builder.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public ContextBuilder(ContextBuilderOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        options ??= new ContextBuilderOptions();
        ArgumentNullException.ThrowIfNull(options.TokenCounter);
        ArgumentOutOfRangeException.ThrowIfNegative(options.ReserveForAnswer);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxMemories);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxSummaryTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(options.PerMessageOverhead);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxSummariserInputChars, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.SummariserTimeout, TimeSpan.Zero);
        if (options.MemoryShare is < 0 or > 1 || double.IsNaN(options.MemoryShare))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MemoryShare, "MemoryShare must be between 0 and 1.");
        }

        _options = options;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ContextBuilder>();
    }

    /// <summary>The builder's settings.</summary>
    public ContextBuilderOptions Options => _options;

    /// <summary>Assembles the context for <paramref name="request"/>.</summary>
    /// <exception cref="MyelinValidationException">The budget does not exceed the answer reserve, or cannot hold the
    /// system prompt and the current turn.</exception>
    public async Task<ContextResult> BuildAsync(ContextRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.SystemPrompt);
        ArgumentNullException.ThrowIfNull(request.CurrentTurn);
        ArgumentNullException.ThrowIfNull(request.RecentTurns);
        ArgumentNullException.ThrowIfNull(request.OlderTurns);
        ArgumentNullException.ThrowIfNull(request.Memories);
        int reserve = _options.ReserveForAnswer;
        if (request.TokenBudget <= reserve)
        {
            throw new MyelinValidationException(
                "invalid_token_budget", $"The token budget ({request.TokenBudget}) must exceed the {reserve} tokens reserved for the answer.");
        }

        int available = request.TokenBudget - reserve;
        int systemTokens = request.SystemPrompt.Length == 0 ? 0 : MessageTokens(request.SystemPrompt);
        if (systemTokens > available)
        {
            throw new MyelinValidationException(
                "context_budget_too_small",
                $"The system prompt alone takes {systemTokens} tokens but the budget leaves {available} after the {reserve} reserved for the answer.");
        }

        int currentTokens = MessageTokens(MessageText.Of(request.CurrentTurn));
        if (systemTokens + currentTokens > available)
        {
            throw new MyelinValidationException(
                "context_budget_too_small",
                $"The system prompt and the current turn take {systemTokens + currentTokens} tokens but the budget leaves {available} after the {reserve} reserved for the answer.");
        }

        var dropped = new List<ContextDrop>();
        int remaining = available - systemTokens - currentTokens;
        int memoryCap = Math.Min(remaining, (int)(available * _options.MemoryShare));
        (string? memoryText, int memoryTokens) = SelectMemories(request, memoryCap, dropped);
        remaining -= memoryTokens;

        IReadOnlyList<ChatMessage> recent = request.RecentTurns;
        int[] turnTokens = [.. recent.Select(t => MessageTokens(MessageText.Of(t)))];
        int summaryReserve = request.OlderTurns.Count > 0 || turnTokens.Sum() > remaining ? SummaryReserve(remaining) : 0;
        int keepFrom = recent.Count;
        int recentTokens = 0;
        for (int i = recent.Count - 1; i >= 0; i--)
        {
            int tokens = turnTokens[i];
            if (tokens > remaining - summaryReserve - recentTokens)
            {
                break;
            }

            recentTokens += tokens;
            keepFrom = i;
        }

        remaining -= recentTokens;
        var pool = new List<(ContextSection Section, int Index, ChatMessage Turn)>(request.OlderTurns.Count + keepFrom);
        pool.AddRange(request.OlderTurns.Select((t, i) => (ContextSection.OlderTurns, i, t)));
        pool.AddRange(recent.Take(keepFrom).Select((t, i) => (ContextSection.RecentTurns, i, t)));
        SummaryOutcome summary = pool.Count == 0
            ? new SummaryOutcome(null, 0, SummaryMethod.None, 0, null)
            : await SummariseAsync([.. pool.Select(p => p.Turn)], Math.Min(remaining, _options.MaxSummaryTokens), cancellationToken).ConfigureAwait(false);
        if (summary.Text is null)
        {
            dropped.AddRange(pool.Select(p => new ContextDrop(
                p.Section, p.Index, ContextDropReason.OverBudget, MessageTokens(MessageText.Of(p.Turn)), MessageText.Preview(MessageText.Of(p.Turn)), null)));
        }

        var messages = new List<ChatMessage>(4 + recent.Count - keepFrom);
        if (request.SystemPrompt.Length > 0)
        {
            messages.Add(new ChatMessage(ChatRole.System, request.SystemPrompt));
        }

        if (memoryText is not null)
        {
            messages.Add(new ChatMessage(ChatRole.System, memoryText));
        }

        if (summary.Text is not null)
        {
            messages.Add(new ChatMessage(ChatRole.System, summary.Text));
        }

        messages.AddRange(recent.Skip(keepFrom));
        messages.Add(request.CurrentTurn);
        var report = new ContextReport
        {
            TokenBudget = request.TokenBudget,
            ReserveForAnswer = reserve,
            Tokens = new ContextSectionTokens(systemTokens, memoryTokens, summary.Tokens, recentTokens, currentTokens),
            Dropped = [.. dropped.OrderBy(d => d.Section).ThenBy(d => d.Index)],
            SummaryMethod = summary.Method,
            SummarisedTurns = summary.Text is null ? 0 : pool.Count,
            SummariserFailures = summary.Failures,
            SummariserError = summary.Error,
        };
        return new ContextResult(messages, report);
    }

    /// <summary>Room kept for the summary when there is something to summarise, so the recent turns cannot starve it:
    /// a quarter of what is left, at most <see cref="ContextBuilderOptions.MaxSummaryTokens"/>, and nothing when that
    /// is too small for a useful summary.</summary>
    private int SummaryReserve(int remaining)
    {
        int reserve = Math.Min(_options.MaxSummaryTokens, remaining / 4);
        return reserve < MinSummaryTokens() ? 0 : reserve;
    }

    private int MinSummaryTokens() => MessageTokens(SummaryHeader) + MinSummaryTextTokens;

    /// <summary>What one message with this text costs: its tokens plus the per-message overhead.</summary>
    public int MessageTokens(string text) => _options.PerMessageOverhead + _options.TokenCounter.CountTokens(text);

    private (string? Text, int Tokens) SelectMemories(ContextRequest request, int cap, List<ContextDrop> dropped)
    {
        if (request.Memories.Count == 0)
        {
            return (null, 0);
        }

        var said = new List<string>(request.RecentTurns.Count + 1) { Normalise(MessageText.Of(request.CurrentTurn)) };
        said.AddRange(request.RecentTurns.Select(t => Normalise(MessageText.Of(t))));
        string? text = null;
        int tokens = 0;
        int kept = 0;
        for (int i = 0; i < request.Memories.Count; i++)
        {
            RecallHit hit = request.Memories[i];
            string line = MemoryLines.Line(hit);
            ContextDropReason? reason =
                hit.Superseded && !request.AboutThePast ? ContextDropReason.Superseded
                : hit.Score < _options.MinMemoryScore ? ContextDropReason.BelowScore
                : IsDuplicate(hit.Item, said) ? ContextDropReason.DuplicateOfRecentTurn
                : kept >= _options.MaxMemories ? ContextDropReason.OverMemoryLimit
                : null;
            if (reason is null)
            {
                string candidate = (text ?? MemoryLines.Header) + line;
                int candidateTokens = MessageTokens(candidate);
                if (candidateTokens <= cap)
                {
                    (text, tokens) = (candidate, candidateTokens);
                    kept++;
                    continue;
                }

                reason = ContextDropReason.OverBudget;
            }

            dropped.Add(new ContextDrop(
                ContextSection.Memories, i, reason.Value, _options.TokenCounter.CountTokens(line), MessageText.Preview(hit.Item.Text), hit.Item.Id));
        }

        return (text, tokens);
    }

    private static bool IsDuplicate(MemoryItem item, List<string> said)
    {
        string text = Normalise(item.Text);
        if (text.Length == 0)
        {
            return false;
        }

        foreach (string turn in said)
        {
            if (turn == text || (item.Kind == MemoryKind.Episode && turn.Contains(text, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Lower case, words only, single spaces: "I moved, to Porto!" and "i moved to porto" compare equal.</summary>
    private static string Normalise(string text)
    {
        var sb = new System.Text.StringBuilder(text.Length);
        bool space = false;
        foreach (char c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                if (space && sb.Length > 0)
                {
                    sb.Append(' ');
                }

                sb.Append(char.ToLowerInvariant(c));
                space = false;
            }
            else
            {
                space = true;
            }
        }

        return sb.ToString();
    }

    [LoggerMessage(EventId = 5111, Level = LogLevel.Warning,
        Message = "The context summariser failed ({Error}); the extractive summary is used instead")]
    private static partial void LogSummariserFailed(ILogger logger, Exception exception, string error);

    private sealed record SummaryOutcome(string? Text, int Tokens, SummaryMethod Method, int Failures, string? Error);
}
