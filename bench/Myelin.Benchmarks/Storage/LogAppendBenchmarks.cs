using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Myelin.Core;
using Myelin.Core.Log;
using Myelin.Storage.Sqlite;

namespace Myelin.Benchmarks.Storage;

/// <summary>One batched append to the SQLite log (WAL, synchronous=FULL) vs a raw prepared INSERT loop into the same table.</summary>
/// <remarks>Run: <c>dotnet run -c Release --project bench/Myelin.Benchmarks -- --filter *LogAppendBenchmarks*</c>.</remarks>
[MemoryDiagnoser]
public class LogAppendBenchmarks
{
    private string _directory = "";
    private SqliteMyelinStorage _storage = null!;
    private SqliteConnection _raw = null!;
    private SqliteCommand _insert = null!;
    private NewExperienceRecord[] _batch = [];
    private long _rawHead;

    [Params(100, 1000)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _directory = Path.Combine(Path.GetTempPath(), "myelin-bdn-" + Guid.NewGuid().ToString("N"));
        _storage = await SqliteMyelinStorage.OpenAsync(new SqliteStorageOptions { DataDirectory = _directory });
        await _storage.MigrateAsync();
        _raw = new SqliteConnection($"Data Source={_storage.DatabasePath};Pooling=false");
        _raw.Open();
        using (SqliteCommand pragma = _raw.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000;";
            pragma.ExecuteNonQuery();
        }

        _insert = _raw.CreateCommand();
        _insert.CommandText = """
            INSERT INTO log (tenant, log_offset, kind, ts, recorded_at, trace_id, session_id, payload)
            VALUES ('bdn-raw', @offset, @kind, @ts, @ts, @trace_id, @session_id, @payload)
            """;
        foreach (string name in new[] { "@offset", "@kind", "@ts", "@trace_id", "@session_id", "@payload" })
        {
            _insert.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        _batch = [.. Enumerable.Range(0, BatchSize).Select(i => new NewExperienceRecord(
            ExperienceKinds.Span,
            $$"""{"name":"chat","input_tokens":{{i}},"output_tokens":20,"status":"ok"}""",
            TraceId: $"trace-{i / 10}",
            SessionId: $"session-{i % 16}"))];
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _insert.Dispose();
        await _raw.DisposeAsync();
        await _storage.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public int RawInsert()
    {
        using SqliteTransaction transaction = _raw.BeginTransaction();
        _insert.Transaction = transaction;
        long now = (DateTimeOffset.UtcNow.UtcTicks - DateTime.UnixEpoch.Ticks) / 10;
        foreach (NewExperienceRecord record in _batch)
        {
            _insert.Parameters[0].Value = ++_rawHead;
            _insert.Parameters[1].Value = record.Kind;
            _insert.Parameters[2].Value = now;
            _insert.Parameters[3].Value = record.TraceId;
            _insert.Parameters[4].Value = record.SessionId;
            _insert.Parameters[5].Value = record.PayloadJson;
            _insert.ExecuteNonQuery();
        }

        transaction.Commit();
        return _batch.Length;
    }

    [Benchmark]
    public async Task<int> MyelinAppend() => (await _storage.Log.AppendAsync(new TenantId("bdn-myelin"), _batch)).Count;
}
