namespace Myelin.Memory.Evaluation;

/// <summary>What a generated question asks for.</summary>
public enum BenchmarkQuestionKind
{
    /// <summary>The value current at the end of the conversation.</summary>
    Current,

    /// <summary>The value current at an earlier time (recalled "as of" that time).</summary>
    AsOf,

    /// <summary>The value before the current one, asked in words about the past.</summary>
    Previous,
}
