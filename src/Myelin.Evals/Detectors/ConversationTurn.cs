namespace Myelin.Evals.Detectors;

/// <summary>One user message and the assistant's answer, with whatever evidence is known about the answer.</summary>
public sealed record ConversationTurn
{
    /// <summary>The user's message.</summary>
    public required string User { get; init; }

    /// <summary>The assistant's answer.</summary>
    public required string Assistant { get; init; }

    /// <summary>The trace the turn was recorded in, for the finding's link.</summary>
    public string? TraceId { get; init; }

    /// <summary>The golden answer, when the turn comes from a dataset.</summary>
    public string? ExpectedOutput { get; init; }

    /// <summary>Passages the answer should be grounded in (retrieved documents, tool results, stored memory).</summary>
    public IReadOnlyList<string> Context { get; init; } = [];

    /// <summary>Other sampled answers to the same message, when sampling is allowed.</summary>
    public IReadOnlyList<string> Samples { get; init; } = [];

    /// <summary>Mean token probability of the answer (0-1), when the model reports log-probabilities.</summary>
    public double? TokenConfidence { get; init; }
}
