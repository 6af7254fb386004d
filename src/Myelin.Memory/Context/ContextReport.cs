namespace Myelin.Memory.Context;

/// <summary>What <see cref="ContextBuilder"/> spent, kept and left out.</summary>
public sealed record ContextReport
{
    /// <summary>The budget asked for: assembled messages plus the answer reserve.</summary>
    public required int TokenBudget { get; init; }

    /// <summary>Tokens kept free for the answer.</summary>
    public required int ReserveForAnswer { get; init; }

    /// <summary>Tokens spent per section.</summary>
    public required ContextSectionTokens Tokens { get; init; }

    /// <summary>Every memory and turn left out, with the reason, in section then input order.</summary>
    public required IReadOnlyList<ContextDrop> Dropped { get; init; }

    /// <summary>How the older turns were compacted.</summary>
    public required SummaryMethod SummaryMethod { get; init; }

    /// <summary>How many turns the summary covers (older turns plus recent turns that did not fit verbatim).</summary>
    public required int SummarisedTurns { get; init; }

    /// <summary>How many times the summariser failed (threw, timed out, answered nothing or nothing that fit) and the
    /// extractive summary was used instead.</summary>
    public required int SummariserFailures { get; init; }

    /// <summary>The summariser's failure, in words, when it failed.</summary>
    public string? SummariserError { get; init; }
}
