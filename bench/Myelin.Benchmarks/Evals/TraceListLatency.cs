using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Myelin.Core;
using Myelin.Evals.Traces;

namespace Myelin.Benchmarks.Evals;

/// <summary>
/// Trace-list latency at scale: a seeded trace index of N spans (8 per trace, 64 sessions' worth of users and models over
/// a month), then the list query with each kind of filter, timed through <see cref="SqliteTraceIndexStore.ListAsync"/>
/// and, interleaved, the same SQL forced to a full scan (<c>NOT INDEXED</c>) on the same file. Reports p50/p95 per side.
/// </summary>
/// <remarks>Run: <c>dotnet run -c Release --project bench/Myelin.Benchmarks -- trace-list [spans] [queriesPerFilter]</c>.</remarks>
public static class TraceListLatency
{
    private static readonly DateTimeOffset s_t0 = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);

    public static int Run(string[] args)
    {
        int spans = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        int queries = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 40;
        return RunAsync(spans, queries).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(int spanCount, int queriesPerFilter)
    {
        string directory = Path.Combine(Path.GetTempPath(), "myelin-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using SqliteTraceIndexStore store = SqliteTraceIndexStore.Open(directory);
            var tenant = new TenantId("bench");
            var load = Stopwatch.StartNew();
            var random = new Random(42);
            const int SpansPerTrace = 8;
            int traces = spanCount / SpansPerTrace;
            var batch = new List<TraceIndexEntry>(10_000);
            for (int t = 0; t < traces; t++)
            {
                DateTimeOffset start = s_t0.AddSeconds(random.Next(30 * 24 * 3600));
                string traceId = $"{t:x32}";
                string session = $"session-{random.Next(20_000)}";
                string user = $"user-{random.Next(2_000)}";
                string model = $"model-{random.Next(8)}";
                for (int s = 0; s < SpansPerTrace; s++)
                {
                    batch.Add(new TraceIndexEntry(traceId, $"{s:x16}", s == 0, s == 0 ? "invoke_agent" : "chat", start.AddMilliseconds(s * 10),
                        start.AddMilliseconds((s * 10) + 8), random.Next(50) == 0, session, user, s == 0 ? [] : [model], 100, 20, 0.001, "bench"));
                }

                if (batch.Count >= 10_000)
                {
                    await store.ApplyAsync(tenant, batch);
                    batch.Clear();
                }
            }

            await store.ApplyAsync(tenant, batch);
            Console.WriteLine($"trace-list: indexed {spanCount:N0} spans ({traces:N0} traces) in {load.Elapsed.TotalSeconds:F1} s ({spanCount / load.Elapsed.TotalSeconds:N0} spans/s); {store.FilePath}");
            Console.WriteLine($"{Environment.ProcessorCount} logical CPUs, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");

            await using var scan = new SqliteConnection($"Data Source={store.FilePath};Mode=ReadOnly;Pooling=false");
            await scan.OpenAsync();
            var filters = new (string Name, Func<Random, TraceQuery> Make)[]
            {
                ("newest 50", _ => new TraceQuery()),
                ("session", r => new TraceQuery { SessionId = $"session-{r.Next(20_000)}" }),
                ("user", r => new TraceQuery { UserId = $"user-{r.Next(2_000)}" }),
                ("model", r => new TraceQuery { Model = $"model-{r.Next(8)}" }),
                ("one day", r =>
                {
                    DateTimeOffset from = s_t0.AddDays(r.Next(29));
                    return new TraceQuery { From = from, To = from.AddDays(1) };
                }),
                ("user + day", r =>
                {
                    DateTimeOffset from = s_t0.AddDays(r.Next(20));
                    return new TraceQuery { UserId = $"user-{r.Next(2_000)}", From = from, To = from.AddDays(7) };
                }),
            };

            Console.WriteLine("| filter | index p50 ms | index p95 ms | full scan p50 ms | full scan p95 ms | p95 ratio (scan / index) |");
            Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
            foreach ((string name, Func<Random, TraceQuery> make) in filters)
            {
                var queryRandom = new Random(7);
                var indexed = new List<double>();
                var scanned = new List<double>();
                for (int q = 0; q < queriesPerFilter; q++)
                {
                    TraceQuery query = make(queryRandom);
                    // Alternate which side goes first.
                    if (q % 2 == 0)
                    {
                        indexed.Add(await TimeAsync(() => store.ListAsync(tenant, query)));
                        scanned.Add(TimeScan(scan, tenant, query));
                    }
                    else
                    {
                        scanned.Add(TimeScan(scan, tenant, query));
                        indexed.Add(await TimeAsync(() => store.ListAsync(tenant, query)));
                    }
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {Percentile(indexed, 0.5):F2} | {Percentile(indexed, 0.95):F2} | {Percentile(scanned, 0.5):F1} | {Percentile(scanned, 0.95):F1} | {Percentile(scanned, 0.95) / Percentile(indexed, 0.95):F0}x |"));
            }

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

    private static async Task<double> TimeAsync(Func<Task<TracePage>> list)
    {
        long start = Stopwatch.GetTimestamp();
        await list();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    // The same filters and order on the same file, with every index on traces ignored: what listing costs without the index.
    private static double TimeScan(SqliteConnection connection, TenantId tenant, TraceQuery query)
    {
        long start = Stopwatch.GetTimestamp();
        using SqliteCommand command = connection.CreateCommand();
        var sql = new System.Text.StringBuilder("SELECT t.trace_id, t.start_us FROM traces t NOT INDEXED WHERE t.tenant = @tenant");
        command.Parameters.AddWithValue("@tenant", tenant.Value);
        if (query.SessionId is { } session)
        {
            sql.Append(" AND t.session_id = @session");
            command.Parameters.AddWithValue("@session", session);
        }

        if (query.UserId is { } user)
        {
            sql.Append(" AND t.user_id = @user");
            command.Parameters.AddWithValue("@user", user);
        }

        if (query.Model is { } model)
        {
            sql.Append(" AND EXISTS (SELECT 1 FROM trace_models x WHERE x.tenant = t.tenant AND x.model = @model AND x.trace_id = t.trace_id)");
            command.Parameters.AddWithValue("@model", model);
        }

        if (query.From is { } from)
        {
            sql.Append(" AND t.start_us >= @from");
            command.Parameters.AddWithValue("@from", (from.UtcTicks - DateTime.UnixEpoch.Ticks) / 10);
        }

        if (query.To is { } to)
        {
            sql.Append(" AND t.start_us < @to");
            command.Parameters.AddWithValue("@to", (to.UtcTicks - DateTime.UnixEpoch.Ticks) / 10);
        }

        sql.Append(" ORDER BY t.start_us DESC, t.trace_id DESC LIMIT 50");
        command.CommandText = sql.ToString();
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
        }

        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static double Percentile(List<double> values, double p)
    {
        double[] sorted = [.. values.Order()];
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }
}
