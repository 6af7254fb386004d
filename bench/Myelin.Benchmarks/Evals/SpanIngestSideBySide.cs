using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Myelin.Benchmarks.Storage;
using Myelin.Core;
using Myelin.Core.Log;
using Myelin.Evals.Otlp;
using Myelin.Evals.Traces;
using Myelin.Evals.Tracing;
using Myelin.Storage.Sqlite;

namespace Myelin.Benchmarks.Evals;

/// <summary>
/// Side by side: span ingest into the embedded store (validate and append span records to the log, then index the spans
/// from memory, as the OTLP endpoint does, then the catch-up the trace list runs first) vs a raw prepared bulk INSERT of the same, already
/// serialised span records into an identical table of the same database file, with the same durability (WAL,
/// synchronous=FULL, one transaction per batch). Rounds alternate A B A B; the median pairwise ratio is reported.
/// </summary>
/// <remarks>Run: <c>dotnet run -c Release --project bench/Myelin.Benchmarks -- span-ingest [rounds] [batchSize] [batchesPerRound]</c>.</remarks>
public static class SpanIngestSideBySide
{
    public static int Run(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 9;
        int batchSize = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
        int batchesPerRound = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20;
        return RunAsync(rounds, batchSize, batchesPerRound).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(int rounds, int batchSize, int batchesPerRound)
    {
        string directory = Path.Combine(Path.GetTempPath(), "myelin-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using SqliteMyelinStorage storage = await SqliteMyelinStorage.OpenAsync(new SqliteStorageOptions { DataDirectory = directory });
            await storage.MigrateAsync();
            await using SqliteTraceIndexStore index = SqliteTraceIndexStore.Open(directory);
            var indexer = new TraceIndexer(storage.Log, storage.Checkpoints, index);
            await using var raw = new SqliteConnection($"Data Source={storage.DatabasePath};Pooling=false");
            await raw.OpenAsync();
            using (SqliteCommand pragma = raw.CreateCommand())
            {
                pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000;";
                pragma.ExecuteNonQuery();
            }

            var tenant = new TenantId("bench-myelin");
            using var rawAppender = new RawLogAppender(raw, "bench-raw");
            Console.WriteLine($"span-ingest: {rounds} rounds x {batchesPerRound} batches x {batchSize} spans; WAL, synchronous=FULL; {directory}");
            Console.WriteLine($"{Environment.ProcessorCount} logical CPUs, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");

            // Every round ingests new spans (ids must differ or the index would skip them as replays).
            int round = 0;
            (SpanData[][] Spans, NewExperienceRecord[][] Records) Next()
            {
                SpanData[][] spans = [.. Enumerable.Range(0, batchesPerRound).Select(b => MakeBatch(round, b, batchSize))];
                round++;
                return (spans, [.. spans.Select(batch => batch.SelectMany(SpanRecords.ToRecords).ToArray())]);
            }

            // Warm-up round (JIT, page cache), not reported.
            (SpanData[][] warmSpans, NewExperienceRecord[][] warmRecords) = Next();
            await TimeMyelinAsync(indexer, tenant, warmSpans);
            rawAppender.Time(warmRecords);

            var myelinRates = new List<double>();
            var rawRates = new List<double>();
            var ratios = new List<double>();
            var pipelinedRates = new List<double>();
            var pipelinedRatios = new List<double>();
            for (int r = 1; r <= rounds; r++)
            {
                (SpanData[][] spans, NewExperienceRecord[][] records) = Next();
                (SpanData[][] pipelinedSpans, _) = Next();
                double myelin, pipelined, baseline;
                if (r % 2 == 1)
                {
                    myelin = await TimeMyelinAsync(indexer, tenant, spans);
                    pipelined = await TimeMyelinPipelinedAsync(indexer, tenant, pipelinedSpans);
                    baseline = rawAppender.Time(records);
                }
                else
                {
                    baseline = rawAppender.Time(records);
                    pipelined = await TimeMyelinPipelinedAsync(indexer, tenant, pipelinedSpans);
                    myelin = await TimeMyelinAsync(indexer, tenant, spans);
                }

                myelinRates.Add(myelin);
                pipelinedRates.Add(pipelined);
                rawRates.Add(baseline);
                ratios.Add(myelin / baseline);
                pipelinedRatios.Add(pipelined / baseline);
                Console.WriteLine(
                    $"round {r,2}: myelin {myelin,12:N0} spans/s   pipelined {pipelined,12:N0} spans/s   raw {baseline,12:N0} spans/s   " +
                    $"ratios {myelin / baseline:F3} / {pipelined / baseline:F3}");
            }

            Console.WriteLine(
                $"median: myelin {Median(myelinRates):N0} spans/s, raw {Median(rawRates):N0} spans/s, median pairwise ratio {Median(ratios):F3}");
            Console.WriteLine(
                $"pipelined (two requests in flight, one's append beside the other's index apply, clock stops when indexed): {Median(pipelinedRates):N0} spans/s, median pairwise ratio {Median(pipelinedRatios):F3}");
            Console.WriteLine($"of the myelin time, {s_indexTime / s_totalTime:P1} is the catch-up after each ingest (what is left to read back from the log)");
            TracePage page = await index.ListAsync(tenant, new TraceQuery { Limit = 1 });
            Console.WriteLine($"check: log head {await storage.Log.GetHeadOffsetAsync(tenant):N0} spans (expected {((2L * rounds) + 1) * batchesPerRound * batchSize:N0}); newest trace has {page.Traces[0].SpanCount} spans");
            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // Leave it for the temp cleaner.
            }
        }
    }

    // Ten spans per trace: a root agent span and nine chat/tool children with GenAI attributes, a session and a user.
    internal static SpanData[] MakeBatch(int round, int batch, int size)
    {
        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(round * 100 + batch);
        return [.. Enumerable.Range(0, size).Select(i =>
        {
            int trace = i / 10;
            bool root = i % 10 == 0;
            string traceId = $"{round + 1:x8}{batch:x8}{trace:x16}";
            return new SpanData(
                traceId,
                $"{batch + 1:x8}{i:x8}",
                root ? null : $"{batch + 1:x8}{trace * 10:x8}",
                root ? "invoke_agent planner" : i % 3 == 0 ? "execute_tool search" : "chat llama-tiny",
                "internal",
                start.AddMilliseconds(i),
                start.AddMilliseconds(i + 5),
                i % 97 == 0 ? "error" : "ok",
                null,
                [
                    new(GenAiAttributes.ConversationId, $"session-{trace % 64}"),
                    new(GenAiAttributes.UserId, $"user-{trace % 16}"),
                    new(GenAiAttributes.RequestModel, i % 2 == 0 ? "llama-tiny" : "qwen-tiny"),
                    new(GenAiAttributes.UsageInputTokens, 100L + (i % 50)),
                    new(GenAiAttributes.UsageOutputTokens, 20L + (i % 30)),
                ],
                [],
                [new("service.name", "bench")],
                "bench",
                "1.0");
        })];
    }

    private static TimeSpan s_indexTime;
    private static TimeSpan s_totalTime;

    private static async Task<double> TimeMyelinAsync(TraceIndexer indexer, TenantId tenant, SpanData[][] batches)
    {
        long spans = 0;
        var watch = Stopwatch.StartNew();
        foreach (SpanData[] batch in batches)
        {
            // The ingest appends to the log, then indexes the spans it holds from memory; the catch-up after it is what a
            // trace list does first, and finds nothing left to read back.
            spans += (await OtlpTraceIngestor.IngestAsync(indexer, tenant, batch)).AcceptedSpans;
            long index = Stopwatch.GetTimestamp();
            await indexer.CatchUpAsync(tenant);
            s_indexTime += Stopwatch.GetElapsedTime(index);
        }

        s_totalTime += watch.Elapsed;
        return spans / watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// The server's shape: concurrent OTLP requests, each acknowledged once its spans are in the log and the index. Here
    /// two requests are in flight at a time, so one batch's log append (the core database) runs beside the previous batch's
    /// index apply (the room's database); the clock stops when the index holds every span.
    /// </summary>
    private static async Task<double> TimeMyelinPipelinedAsync(
        TraceIndexer indexer, TenantId tenant, SpanData[][] batches)
    {
        long spans = 0;
        int next = -1;
        var watch = Stopwatch.StartNew();
        async Task RequestsAsync()
        {
            for (int i = Interlocked.Increment(ref next); i < batches.Length; i = Interlocked.Increment(ref next))
            {
                Interlocked.Add(ref spans, (await OtlpTraceIngestor.IngestAsync(indexer, tenant, batches[i])).AcceptedSpans);
            }
        }

        await Task.WhenAll(Task.Run(RequestsAsync), Task.Run(RequestsAsync));
        await indexer.CatchUpAsync(tenant);
        return spans / watch.Elapsed.TotalSeconds;
    }

    internal static double Median(List<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
