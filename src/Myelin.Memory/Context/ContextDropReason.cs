namespace Myelin.Memory.Context;

/// <summary>Why <see cref="ContextBuilder"/> left something out.</summary>
public enum ContextDropReason
{
    /// <summary>It did not fit in the token budget (after the answer reserve and the higher-priority sections).</summary>
    OverBudget = 0,

    /// <summary>A memory that repeats a recent turn or the current turn.</summary>
    DuplicateOfRecentTurn = 1,

    /// <summary>A memory whose content something newer replaced, while the question is not about the past.</summary>
    Superseded = 2,

    /// <summary>A memory whose recall score is below <see cref="ContextBuilderOptions.MinMemoryScore"/>.</summary>
    BelowScore = 3,

    /// <summary>A memory beyond <see cref="ContextBuilderOptions.MaxMemories"/>.</summary>
    OverMemoryLimit = 4,
}
