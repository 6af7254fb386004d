namespace Myelin.Memory.Evaluation;

/// <summary>One generated conversation session of one user.</summary>
/// <param name="UserId">The user.</param>
/// <param name="SessionId">The session id.</param>
/// <param name="Turns">The turns, in order.</param>
public sealed record BenchmarkSession(string UserId, string SessionId, IReadOnlyList<BenchmarkTurn> Turns);
