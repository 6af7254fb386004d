namespace Myelin.Memory.Extraction;

/// <summary>One stored turn handed to an extractor.</summary>
/// <param name="Offset">The turn's experience-log offset (its provenance).</param>
/// <param name="Role">Who spoke: <c>user</c>, <c>assistant</c>, <c>system</c> or <c>tool</c>.</param>
/// <param name="Speaker">The speaker's name, when known.</param>
/// <param name="Text">The verbatim text.</param>
/// <param name="Timestamp">When the turn happened; relative dates resolve against it.</param>
public sealed record ExtractionTurn(long Offset, string Role, string? Speaker, string Text, DateTimeOffset Timestamp);
