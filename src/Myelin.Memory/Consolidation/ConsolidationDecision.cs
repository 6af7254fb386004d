namespace Myelin.Memory.Consolidation;

/// <summary>The outcome of consolidating one extracted memory.</summary>
/// <param name="Action">What was done.</param>
/// <param name="ItemId">The item now holding the memory (new for Add/Update/Invalidate, existing for NoOp).</param>
/// <param name="PreviousItemId">The item that was closed (Update/Invalidate), else null.</param>
public sealed record ConsolidationDecision(ConsolidationAction Action, string ItemId, string? PreviousItemId);
