using System.Globalization;
using System.Text;

namespace Myelin.Memory.Evaluation;

/// <summary>Quality and speed of one benchmark run.</summary>
/// <param name="Turns">Turns ingested.</param>
/// <param name="Questions">Questions asked.</param>
/// <param name="RecallAt5">Mean fraction of evidence turns among the top 5 hits' source turns.</param>
/// <param name="RecallAt10">The same over the top 10.</param>
/// <param name="NdcgAt10">Mean NDCG@10 with binary relevance of evidence turns.</param>
/// <param name="SupersededOutranksCurrent">Among current and as-of questions with older versions, the fraction where a
/// hit from an older version ranked above the first hit from the expected version.</param>
/// <param name="ByKind">Recall@10 per question kind.</param>
/// <param name="IngestSeconds">Wall time to store all turns (acknowledged).</param>
/// <param name="ExtractionSeconds">Wall time until background extraction finished.</param>
/// <param name="RecallP50Milliseconds">Median recall latency.</param>
/// <param name="RecallP95Milliseconds">95th percentile recall latency.</param>
/// <param name="Quarantined">Extractor outputs quarantined.</param>
public sealed record MemoryBenchmarkReport(
    int Turns,
    int Questions,
    double RecallAt5,
    double RecallAt10,
    double NdcgAt10,
    double SupersededOutranksCurrent,
    IReadOnlyDictionary<BenchmarkQuestionKind, double> ByKind,
    double IngestSeconds,
    double ExtractionSeconds,
    double RecallP50Milliseconds,
    double RecallP95Milliseconds,
    long Quarantined)
{
    /// <summary>A Markdown table of the report.</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine("| metric | value |").AppendLine("| --- | --- |");
        void Row(string name, string value) => sb.Append("| ").Append(name).Append(" | ").Append(value).AppendLine(" |");
        Row("turns / questions", string.Create(CultureInfo.InvariantCulture, $"{Turns} / {Questions}"));
        Row("recall@5", F(RecallAt5));
        Row("recall@10", F(RecallAt10));
        Row("NDCG@10", F(NdcgAt10));
        Row("superseded outranks current", string.Create(CultureInfo.InvariantCulture, $"{SupersededOutranksCurrent:P2}"));
        foreach ((BenchmarkQuestionKind kind, double recall) in ByKind.OrderBy(k => k.Key))
        {
            Row($"recall@10, {kind} questions", F(recall));
        }

        Row("ingest (acknowledged)", string.Create(CultureInfo.InvariantCulture, $"{IngestSeconds:F2} s ({Turns / Math.Max(IngestSeconds, 1e-9):F0} turns/s)"));
        Row("extraction finished after", string.Create(CultureInfo.InvariantCulture, $"{ExtractionSeconds:F2} s"));
        Row("recall latency p50 / p95", string.Create(CultureInfo.InvariantCulture, $"{RecallP50Milliseconds:F2} / {RecallP95Milliseconds:F2} ms"));
        Row("quarantined outputs", Quarantined.ToString(CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    private static string F(double value) => value.ToString("F3", CultureInfo.InvariantCulture);
}
