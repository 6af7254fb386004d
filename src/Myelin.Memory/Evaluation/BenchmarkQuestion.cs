namespace Myelin.Memory.Evaluation;

/// <summary>A generated question with its ground truth.</summary>
/// <param name="QuestionId">A stable id.</param>
/// <param name="UserId">Whose memories answer it.</param>
/// <param name="Kind">What it asks for.</param>
/// <param name="Attribute">The planted attribute it is about (for example <c>home</c>).</param>
/// <param name="Text">The question.</param>
/// <param name="AskedAt">The time the question is asked; recall runs "as of" it for <see cref="BenchmarkQuestionKind.AsOf"/>.</param>
/// <param name="ExpectedValue">The value version that answers it.</param>
/// <param name="EvidenceTurnIds">The turns that stated that version.</param>
/// <param name="SupersededTurnIds">The turns that stated older versions (which must not outrank the evidence).</param>
public sealed record BenchmarkQuestion(
    string QuestionId,
    string UserId,
    BenchmarkQuestionKind Kind,
    string Attribute,
    string Text,
    DateTimeOffset AskedAt,
    string ExpectedValue,
    IReadOnlyList<string> EvidenceTurnIds,
    IReadOnlyList<string> SupersededTurnIds);
