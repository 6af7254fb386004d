namespace Myelin.Memory.Evaluation;

/// <summary>A generated multi-session conversation data set with questions and ground truth.</summary>
/// <param name="Seed">The seed it was generated from.</param>
/// <param name="Sessions">All sessions, ordered by start time.</param>
/// <param name="Questions">The questions.</param>
public sealed record ConversationBenchmark(int Seed, IReadOnlyList<BenchmarkSession> Sessions, IReadOnlyList<BenchmarkQuestion> Questions)
{
    /// <summary>The number of turns over all sessions.</summary>
    public int TurnCount => Sessions.Sum(s => s.Turns.Count);
}
