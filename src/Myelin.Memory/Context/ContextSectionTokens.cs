namespace Myelin.Memory.Context;

/// <summary>Tokens spent per section of an assembled context, message overhead included.</summary>
/// <param name="System">The system prompt's message.</param>
/// <param name="Memories">The memories' message.</param>
/// <param name="Summary">The summary's message.</param>
/// <param name="RecentTurns">The recent turns kept verbatim.</param>
/// <param name="CurrentTurn">The current turn.</param>
public sealed record ContextSectionTokens(int System, int Memories, int Summary, int RecentTurns, int CurrentTurn)
{
    /// <summary>The sum of all sections: what the assembled messages take.</summary>
    public int Total => System + Memories + Summary + RecentTurns + CurrentTurn;
}
