namespace Myelin.Memory.Evaluation;

/// <summary>One generated conversation turn.</summary>
/// <param name="TurnId">A stable id (<c>u003-s05-t07</c>) that questions cite as evidence.</param>
/// <param name="Role"><c>user</c> or <c>assistant</c>.</param>
/// <param name="Speaker">The speaker's name.</param>
/// <param name="Text">What was said.</param>
/// <param name="Timestamp">When.</param>
public sealed record BenchmarkTurn(string TurnId, string Role, string Speaker, string Text, DateTimeOffset Timestamp);
