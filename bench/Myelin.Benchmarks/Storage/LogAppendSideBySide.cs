using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Myelin.Core;
using Myelin.Core.Log;
using Myelin.Storage.Sqlite;

namespace Myelin.Benchmarks.Storage;

/// <summary>
/// Side by side: Myelin's SQLite log append vs a raw prepared bulk INSERT into the same table of the same database
/// file with the same durability settings (WAL, synchronous=FULL, one transaction per batch). Rounds alternate A B A B.
/// </summary>
/// <remarks>Run: <c>dotnet run -c Release --project bench/Myelin.Benchmarks -- log-append [rounds] [batchSize] [batchesPerRound]</c>.</remarks>
public static class LogAppendSideBySide
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
            await using var raw = new SqliteConnection($"Data Source={storage.DatabasePath};Pooling=false");
            await raw.OpenAsync();
            using (SqliteCommand pragma = raw.CreateCommand())
            {
                pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000;";
                pragma.ExecuteNonQuery();
            }

            NewExperienceRecord[][] batches = [.. Enumerable.Range(0, batchesPerRound).Select(b => MakeBatch(b, batchSize))];
            var myelinTenant = new TenantId("bench-myelin");
            using var rawAppender = new RawLogAppender(raw, "bench-raw");

            Console.WriteLine($"log-append: {rounds} rounds x {batchesPerRound} batches x {batchSize} records; WAL, synchronous=FULL; {storage.DatabasePath}");
            Console.WriteLine($"{Environment.ProcessorCount} logical CPUs, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");

            // Warm-up round (JIT, page cache), not reported.
            await TimeMyelinAsync(storage, myelinTenant, batches);
            rawAppender.Time(batches);

            var myelinRates = new List<double>();
            var rawRates = new List<double>();
            var ratios = new List<double>();
            for (int round = 1; round <= rounds; round++)
            {
                // Alternate which side goes first so neither always meets a bigger table.
                double myelin, baseline;
                if (round % 2 == 1)
                {
                    myelin = await TimeMyelinAsync(storage, myelinTenant, batches);
                    baseline = rawAppender.Time(batches);
                }
                else
                {
                    baseline = rawAppender.Time(batches);
                    myelin = await TimeMyelinAsync(storage, myelinTenant, batches);
                }

                myelinRates.Add(myelin);
                rawRates.Add(baseline);
                ratios.Add(myelin / baseline);
                Console.WriteLine(
                    $"round {round,2}: myelin {myelin,12:N0} rec/s   raw {baseline,12:N0} rec/s   ratio {myelin / baseline:F3}");
            }

            Console.WriteLine(
                $"median: myelin {Median(myelinRates):N0} rec/s, raw {Median(rawRates):N0} rec/s, median pairwise ratio {Median(ratios):F3}");
            long head = await storage.Log.GetHeadOffsetAsync(myelinTenant);
            Console.WriteLine($"check: myelin head offset {head:N0} (expected {(long)(rounds + 1) * batchesPerRound * batchSize:N0})");
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

    private static NewExperienceRecord[] MakeBatch(int batch, int size)
    {
        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return [.. Enumerable.Range(0, size).Select(i => new NewExperienceRecord(
            ExperienceKinds.Span,
            $$$"""{"name":"chat gpt-tiny","model":"llama-tiny-q8","input_tokens":{{{100 + (i % 50)}}},"output_tokens":{{{20 + (i % 30)}}},"latency_ms":{{{(i * 7) % 900}}},"status":"ok","attributes":{"gen_ai.system":"myelin","batch":{{{batch}}},"i":{{{i}}}}}""",
            start.AddMilliseconds((batch * size) + i),
            TraceId: $"{batch:x8}{i / 10:x24}",
            SessionId: $"session-{i % 16}"))];
    }

    private static async Task<double> TimeMyelinAsync(SqliteMyelinStorage storage, TenantId tenant, NewExperienceRecord[][] batches)
    {
        long records = 0;
        var watch = Stopwatch.StartNew();
        foreach (NewExperienceRecord[] batch in batches)
        {
            records += (await storage.Log.AppendAsync(tenant, batch)).Count;
        }

        return records / watch.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
