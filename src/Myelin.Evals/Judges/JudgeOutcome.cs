namespace Myelin.Evals.Judges;

/// <summary>What one judging produced: a verdict, or the error that kept it from producing one.</summary>
/// <param name="Verdict">The verdict; null when judging failed.</param>
/// <param name="Error">Why judging failed; null on success.</param>
/// <param name="Calls">Judge model calls made (0 on a cache hit, 2 after a retry).</param>
/// <param name="FromCache">Whether the verdict came from the cache.</param>
public sealed record JudgeOutcome(JudgeVerdict? Verdict, string? Error, int Calls, bool FromCache);
