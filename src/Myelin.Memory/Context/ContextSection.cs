namespace Myelin.Memory.Context;

/// <summary>A part of an assembled context.</summary>
public enum ContextSection
{
    /// <summary>The system prompt (never dropped).</summary>
    System = 0,

    /// <summary>Memories recalled for the user.</summary>
    Memories = 1,

    /// <summary>The summary of older turns.</summary>
    Summary = 2,

    /// <summary>The recent turns, kept verbatim.</summary>
    RecentTurns = 3,

    /// <summary>The older turns, compacted into the summary.</summary>
    OlderTurns = 4,

    /// <summary>The current turn (never dropped).</summary>
    CurrentTurn = 5,
}
