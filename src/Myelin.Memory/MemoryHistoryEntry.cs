namespace Myelin.Memory;

/// <summary>One event in an item's history.</summary>
/// <param name="ItemId">The item.</param>
/// <param name="At">When the store recorded the event.</param>
/// <param name="Action">What happened.</param>
/// <param name="Text">The item's text at that point.</param>
/// <param name="ValidFrom">The item's valid-from after the event.</param>
/// <param name="ValidTo">The item's valid-to after the event.</param>
/// <param name="RelatedItemId">The other item involved (the replacement for Updated/Invalidated), if any.</param>
/// <param name="Reason">Why, in words (for example which extractor decided).</param>
public sealed record MemoryHistoryEntry(
    string ItemId,
    DateTimeOffset At,
    MemoryHistoryAction Action,
    string Text,
    DateTimeOffset ValidFrom,
    DateTimeOffset? ValidTo,
    string? RelatedItemId,
    string? Reason);
