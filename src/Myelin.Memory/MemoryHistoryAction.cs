namespace Myelin.Memory;

/// <summary>What happened to an item, as recorded in its history.</summary>
/// <remarks>The numeric values are stored; never renumber them.</remarks>
public enum MemoryHistoryAction
{
    /// <summary>The item was stored.</summary>
    Added = 0,

    /// <summary>The item was restated; its importance and provenance grew.</summary>
    Reinforced = 1,

    /// <summary>A newer item refined this one; this one was closed (valid_to set).</summary>
    Updated = 2,

    /// <summary>A newer item contradicted this one; this one was closed (valid_to set).</summary>
    Invalidated = 3,
}
