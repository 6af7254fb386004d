namespace Myelin.Evals.Evaluators;

/// <summary>What an evaluator looks at: the question, the answer, and optionally the golden answer and the grounding context.</summary>
public sealed record EvaluationInput
{
    /// <summary>The question or prompt the answer responds to.</summary>
    public string Input { get; init; } = string.Empty;

    /// <summary>The answer being evaluated.</summary>
    public required string Output { get; init; }

    /// <summary>The golden answer, for reference-based metrics.</summary>
    public string? ExpectedOutput { get; init; }

    /// <summary>Passages the answer should be grounded in.</summary>
    public IReadOnlyList<string> Context { get; init; } = [];
}
