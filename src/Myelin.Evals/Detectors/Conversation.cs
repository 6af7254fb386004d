namespace Myelin.Evals.Detectors;

/// <summary>A session's turns in order.</summary>
/// <param name="SessionId">The session id.</param>
/// <param name="Turns">The turns, oldest first.</param>
public sealed record Conversation(string SessionId, IReadOnlyList<ConversationTurn> Turns);
