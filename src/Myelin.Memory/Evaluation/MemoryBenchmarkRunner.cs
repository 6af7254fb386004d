using System.Diagnostics;
using Myelin.Core;
using Myelin.Memory.Ingest;
using Myelin.Memory.Retrieval;

namespace Myelin.Memory.Evaluation;

/// <summary>Runs a <see cref="ConversationBenchmark"/>: ingests every session, waits for extraction, asks every
/// question, and scores the hits against the evidence turns.</summary>
/// <remarks>A hit counts for the turns it came from: an episode for itself, an extracted item for its source turns.</remarks>
public static class MemoryBenchmarkRunner
{
    /// <summary>Runs the benchmark in <paramref name="tenant"/>, which should be empty.</summary>
    public static async Task<MemoryBenchmarkReport> RunAsync(
        ConversationBenchmark benchmark,
        TenantId tenant,
        MemoryIngestor ingestor,
        MemoryRetriever retriever,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(benchmark);
        ArgumentNullException.ThrowIfNull(ingestor);
        ArgumentNullException.ThrowIfNull(retriever);
        var turnOfOffset = new Dictionary<long, string>();
        var clock = Stopwatch.StartNew();
        foreach (BenchmarkSession session in benchmark.Sessions)
        {
            ConversationTurn[] turns = [.. session.Turns.Select(t => new ConversationTurn(session.UserId, t.Role, t.Text)
            {
                Speaker = t.Speaker, SessionId = session.SessionId, Timestamp = t.Timestamp, IdempotencyKey = t.TurnId,
            })];
            IReadOnlyList<RememberedTurn> stored = await ingestor.RememberAsync(tenant, turns, cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < stored.Count; i++)
            {
                turnOfOffset[stored[i].Offset] = session.Turns[i].TurnId;
            }
        }

        double ingestSeconds = clock.Elapsed.TotalSeconds;
        await ingestor.WhenIdleAsync(cancellationToken).ConfigureAwait(false);
        double extractionSeconds = clock.Elapsed.TotalSeconds;

        var scores = new List<(BenchmarkQuestion Question, double R5, double R10, double Ndcg, bool? Outranked)>();
        var latencies = new List<double>();
        foreach (BenchmarkQuestion q in benchmark.Questions)
        {
            var request = new RecallRequest(q.UserId, q.Text)
            {
                Limit = 10,
                NeighbourTurns = 0,
                ValidAt = q.Kind == BenchmarkQuestionKind.AsOf ? q.AskedAt : null,
            };
            long start = Stopwatch.GetTimestamp();
            RecallResult result = await retriever.RecallAsync(tenant, request, cancellationToken).ConfigureAwait(false);
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            List<HashSet<string>> hitTurns = [.. result.Hits.Select(h => h.Item.SourceOffsets
                .Select(o => turnOfOffset.GetValueOrDefault(o, string.Empty)).ToHashSet(StringComparer.Ordinal))];
            scores.Add((q, Recall(hitTurns, q.EvidenceTurnIds, 5), Recall(hitTurns, q.EvidenceTurnIds, 10),
                Ndcg(hitTurns, q.EvidenceTurnIds), Outranked(hitTurns, q)));
        }

        latencies.Sort();
        List<bool> judged = [.. scores.Where(s => s.Outranked is not null).Select(s => s.Outranked!.Value)];
        return new MemoryBenchmarkReport(
            benchmark.TurnCount,
            scores.Count,
            scores.Average(s => s.R5),
            scores.Average(s => s.R10),
            scores.Average(s => s.Ndcg),
            judged.Count == 0 ? 0 : judged.Count(o => o) / (double)judged.Count,
            scores.GroupBy(s => s.Question.Kind).ToDictionary(g => g.Key, g => g.Average(s => s.R10)),
            ingestSeconds,
            extractionSeconds,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.95),
            ingestor.Statistics.Quarantined);
    }

    private static double Recall(List<HashSet<string>> hits, IReadOnlyList<string> evidence, int k)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (HashSet<string> turns in hits.Take(k))
        {
            found.UnionWith(turns.Where(evidence.Contains));
        }

        return evidence.Count == 0 ? 1 : found.Count / (double)evidence.Count;
    }

    private static double Ndcg(List<HashSet<string>> hits, IReadOnlyList<string> evidence)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        double dcg = 0;
        for (int i = 0; i < Math.Min(10, hits.Count); i++)
        {
            if (hits[i].Any(t => evidence.Contains(t) && seen.Add(t)))
            {
                dcg += 1 / Math.Log2(i + 2);
            }
        }

        double ideal = 0;
        for (int i = 0; i < Math.Min(10, evidence.Count); i++)
        {
            ideal += 1 / Math.Log2(i + 2);
        }

        return ideal == 0 ? 1 : dcg / ideal;
    }

    // Null when the question has no older versions (nothing can outrank) or asks about the past (older is the answer).
    private static bool? Outranked(List<HashSet<string>> hits, BenchmarkQuestion q)
    {
        if (q.Kind == BenchmarkQuestionKind.Previous || q.SupersededTurnIds.Count == 0)
        {
            return null;
        }

        int current = hits.FindIndex(h => h.Any(q.EvidenceTurnIds.Contains));
        int old = hits.FindIndex(h => h.Any(q.SupersededTurnIds.Contains));
        return old >= 0 && (current < 0 || old < current);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
