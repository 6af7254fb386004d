using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Myelin.Core.Log;
using Myelin.Storage.Sqlite.Internal;

namespace Myelin.Benchmarks.Storage;

/// <summary>
/// The raw baseline of the log-append and span-ingest benches: one INSERT on the log table prepared once and driven
/// through SQLite's C API (bind by position, step, reset) for every row, one transaction per batch, offsets counted in
/// memory: the fastest plain bulk insert SQLite offers.
/// </summary>
internal sealed class RawLogAppender(SqliteConnection connection, string tenant) : IDisposable
{
    private const string InsertSql = """
        INSERT INTO log (tenant, log_offset, kind, ts, recorded_at, trace_id, session_id, episode_id, idempotency_key, payload)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
        """;

    private readonly RawStatement _insert = new(connection, InsertSql);
    private long _head;

    /// <summary>Appends every batch and returns records per second.</summary>
    public double Time(NewExperienceRecord[][] batches)
    {
        long records = 0;
        var watch = Stopwatch.StartNew();
        foreach (NewExperienceRecord[] batch in batches)
        {
            records += Append(batch);
        }

        return records / watch.Elapsed.TotalSeconds;
    }

    public int Append(NewExperienceRecord[] batch)
    {
        long now = (DateTimeOffset.UtcNow.UtcTicks - DateTime.UnixEpoch.Ticks) / 10;
        using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
        _insert.Bind(1, tenant);
        _insert.Bind(5, now);
        foreach (NewExperienceRecord record in batch)
        {
            _insert.Bind(2, ++_head);
            _insert.Bind(3, record.Kind);
            _insert.Bind(4, (record.Timestamp!.Value.UtcTicks - DateTime.UnixEpoch.Ticks) / 10);
            _insert.Bind(6, record.TraceId);
            _insert.Bind(7, record.SessionId);
            _insert.Bind(8, record.EpisodeId);
            _insert.Bind(9, record.IdempotencyKey);
            _insert.Bind(10, record.PayloadJson);
            _insert.Execute();
        }

        transaction.Commit();
        return batch.Length;
    }

    public void Dispose() => _insert.Dispose();
}
