namespace Myelin.Memory.Context;

/// <summary>One thing the builder left out, and why.</summary>
/// <param name="Section">Where it came from: <see cref="ContextSection.Memories"/>, <see cref="ContextSection.RecentTurns"/>
/// or <see cref="ContextSection.OlderTurns"/>.</param>
/// <param name="Index">Its position in the input list of that section.</param>
/// <param name="Reason">Why it was left out.</param>
/// <param name="Tokens">The tokens it would have taken on its own (message overhead included for turns).</param>
/// <param name="Preview">Its first 80 characters.</param>
/// <param name="MemoryId">The memory's id, for a memory.</param>
public sealed record ContextDrop(ContextSection Section, int Index, ContextDropReason Reason, int Tokens, string Preview, string? MemoryId);
