namespace Myelin.Memory.Consolidation;

/// <summary>What consolidation did with one extracted memory.</summary>
public enum ConsolidationAction
{
    /// <summary>Stored as a new item.</summary>
    Add,

    /// <summary>Refined an existing item: a new version was stored and the old one closed.</summary>
    Update,

    /// <summary>Contradicted an existing item: a new item was stored and the old one closed (valid_to set, kept in history).</summary>
    Invalidate,

    /// <summary>Restated an existing item: nothing new stored; the item's importance and provenance grew.</summary>
    NoOp,
}
