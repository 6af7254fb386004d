namespace Myelin.Evals.Judges;

/// <summary>A judge's validated answer.</summary>
/// <param name="Score">The integer score, within the rubric's range.</param>
/// <param name="Reason">The judge's one-line reason.</param>
public sealed record JudgeVerdict(int Score, string Reason);
