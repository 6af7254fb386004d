namespace Myelin.Evals.Datasets;

/// <summary>One golden example: the input, the expected output, the context it should be answered from, and free metadata.</summary>
/// <remarks>
/// Immutable. Two items are the same item when their canonical forms (<see cref="DatasetCanonical"/>) are equal; an item
/// added without an <see cref="Id"/> gets one derived from its content, so the same content always gets the same id.
/// </remarks>
public sealed record DatasetItem
{
    /// <summary>The most characters of one text field (input, expected output, one context passage, one metadata value).</summary>
    public const int MaxTextLength = 1_000_000;

    /// <summary>Stable id within a dataset (1-128 characters); null to derive one from the content.</summary>
    public string? Id { get; init; }

    /// <summary>What is sent to the target: a question, an instruction, a prompt variable.</summary>
    public required string Input { get; init; }

    /// <summary>The golden answer; null when the item only has reference-free evaluators.</summary>
    public string? ExpectedOutput { get; init; }

    /// <summary>Passages the answer should be grounded in (retrieved documents, tool results).</summary>
    public IReadOnlyList<string> Context { get; init; } = [];

    /// <summary>Free string metadata (source, difficulty, trace id, ...).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
