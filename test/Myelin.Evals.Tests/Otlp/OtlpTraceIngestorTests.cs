using Myelin.Evals.Traces;
using Myelin.Evals.Tracing;
using static Myelin.Evals.Traces.TraceIndexerHarness;

namespace Myelin.Evals.Otlp;

public sealed class OtlpTraceIngestorTests
{
    [Fact]
    public async Task Spans_the_log_refuses_are_reported_and_the_rest_are_stored_and_indexed()
    {
        await using TraceIndexerHarness h = await CreateAsync();
        SpanData[] good = Batch(1);
        object? nested = "leaf";
        for (int i = 0; i < 70; i++)
        {
            nested = new[] { nested };
        }

        // Too deep for the log's JSON check, and too large even with its strings shortened.
        SpanData deep = good[1] with { SpanId = "00000000000000d1", Attributes = [new("deep", nested)] };
        SpanData huge = good[2] with
        {
            SpanId = "00000000000000d2",
            Attributes = [.. Enumerable.Range(0, 300).Select(i => new KeyValuePair<string, object?>($"a{i}", new string('x', 5000)))],
        };

        OtlpExportResult result = await OtlpTraceIngestor.IngestAsync(h.Indexer, Tenant, [deep, .. good, huge]);

        Assert.Equal((good.Length, 2L), (result.AcceptedSpans, result.RejectedSpans));
        Assert.Contains("span 00000000000000d1: ", result.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("span 00000000000000d2: ", result.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(good.Length, await h.Storage.Log.GetHeadOffsetAsync(Tenant));
        Assert.Equal(0, await h.LagAsync());
        List<string> summaries = await h.SummariesAsync();
        Assert.Equal(4, summaries.Count);
        Assert.All(summaries, s => Assert.Contains(" n=5 ", s, StringComparison.Ordinal));
    }
}
