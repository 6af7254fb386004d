using System.Collections.Concurrent;
using Myelin.Core;
using Myelin.Core.Log;
using Myelin.Evals.Otlp;

namespace Myelin.Evals.Traces;

/// <summary>Feeds the trace index from the experience log as a consumer with a checkpoint, so the index can be rebuilt from the log.</summary>
/// <remarks>
/// Thread-safe; catch-ups and applies of one tenant are serialised. Spans reach the index two ways: the OTLP ingest hands
/// over the spans it has just appended, already parsed (<see cref="IndexAppendedAsync"/>), and <see cref="CatchUpAsync"/>
/// reads back whatever the checkpoint has not reached (spans appended by other writers, or whose in-memory apply never ran).
/// The checkpoint (consumer <see cref="ConsumerName"/>) is written after the index commits; a crash between the two
/// replays a few records, which <see cref="ITraceIndexStore.ApplyAsync"/> ignores because it is idempotent per span.
/// </remarks>
public sealed class TraceIndexer
{
    /// <summary>The checkpoint name of this consumer.</summary>
    public const string ConsumerName = "evals.trace-index";

    private const int PageSize = 1000;

    private readonly IExperienceLog _log;
    private readonly ICheckpointStore _checkpoints;
    private readonly ITraceIndexStore _store;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    /// <summary>Creates the consumer over a log, its checkpoint store and the index.</summary>
    public TraceIndexer(IExperienceLog log, ICheckpointStore checkpoints, ITraceIndexStore store)
    {
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _checkpoints = checkpoints ?? throw new ArgumentNullException(nameof(checkpoints));
        _store = store ?? throw new ArgumentNullException(nameof(store));
    }

    /// <summary>The log this consumer reads.</summary>
    internal IExperienceLog Log => _log;

    /// <summary>Indexes every span record of <paramref name="tenant"/> appended since the checkpoint; returns how many were read.</summary>
    public async Task<int> CatchUpAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        SemaphoreSlim gate = Gate(tenant);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            long checkpoint = await _checkpoints.GetAsync(tenant, ConsumerName, cancellationToken).ConfigureAwait(false);
            return await ReadBackAsync(tenant, checkpoint, before: null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Indexes the spans of a batch the caller has just appended to the log, from memory, without reading them back:
    /// <paramref name="appended"/> is what <see cref="IExperienceLog.AppendAsync"/> returned for the batch and
    /// <paramref name="entries"/> holds each record's index entry in the same order (null for a record that is not a span).
    /// </summary>
    /// <remarks>
    /// <para>The log stays the source of truth and the checkpoint stays exact: the batch is applied from memory only when
    /// the checkpoint has reached the record just before it. Records in between (appended by someone who did not index
    /// them, or whose indexing never ran, e.g. after a crash) are first read back from the log as <see cref="CatchUpAsync"/>
    /// would. When a catch-up has already passed the batch, or its new records are not one run of offsets, this is a
    /// plain <see cref="CatchUpAsync"/>. Records the log reported as duplicates are skipped: they were stored, and
    /// indexed or left for catch-up, by the append that first wrote them.</para>
    /// <para>Pass only spans built from the appended records (<see cref="OtlpTraceIngestor"/> does): the index trusts them.</para>
    /// </remarks>
    /// <returns>How many records were indexed, from memory or read back.</returns>
    /// <exception cref="ArgumentException">The two lists differ in length.</exception>
    public async Task<int> IndexAppendedAsync(
        TenantId tenant, IReadOnlyList<AppendResult> appended, IReadOnlyList<TraceIndexEntry?> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(appended);
        ArgumentNullException.ThrowIfNull(entries);
        if (appended.Count != entries.Count)
        {
            throw new ArgumentException($"{entries.Count} entries were given for {appended.Count} appended records.", nameof(entries));
        }

        long first = 0;
        long last = 0;
        bool oneRun = true;
        var stored = new List<TraceIndexEntry>(entries.Count);
        for (int i = 0; i < appended.Count; i++)
        {
            if (appended[i].Duplicate)
            {
                continue;
            }

            long offset = appended[i].Offset;
            oneRun &= first == 0 || offset == last + 1;
            first = first == 0 ? offset : first;
            last = offset;
            if (entries[i] is { } entry)
            {
                stored.Add(entry);
            }
        }

        if (first == 0)
        {
            return 0;
        }

        SemaphoreSlim gate = Gate(tenant);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            long checkpoint = await _checkpoints.GetAsync(tenant, ConsumerName, cancellationToken).ConfigureAwait(false);
            if (checkpoint >= last)
            {
                return 0;
            }

            if (!oneRun || checkpoint >= first)
            {
                return await ReadBackAsync(tenant, checkpoint, before: null, cancellationToken).ConfigureAwait(false);
            }

            // Offsets below the batch's were committed before it, so reading up to it leaves no hole behind the checkpoint.
            int total = checkpoint < first - 1 ? await ReadBackAsync(tenant, checkpoint, before: first, cancellationToken).ConfigureAwait(false) : 0;
            await _store.ApplyAsync(tenant, stored, cancellationToken).ConfigureAwait(false);
            await AdvanceAsync(tenant, last, cancellationToken).ConfigureAwait(false);
            return total + stored.Count;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Reads the index fields from a stored span; null for a record that is not a span payload (e.g. written by hand via the log API).</summary>
    public static TraceIndexEntry? ToEntry(ExperienceRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return TraceIndexEntries.FromPayload(record.PayloadJson, record.SessionId);
    }

    /// <summary>Moves the checkpoint to <paramref name="offset"/>, unless another indexer has already moved it further.</summary>
    /// <remarks>
    /// The gate serialises this process only; servers sharing a database each index what they ingest, so one may pass the
    /// other between reading the checkpoint and writing it. Whoever wrote a higher checkpoint had indexed everything below
    /// it, so finding it there is success, not an error.
    /// </remarks>
    private async Task AdvanceAsync(TenantId tenant, long offset, CancellationToken cancellationToken)
    {
        try
        {
            await _checkpoints.SetAsync(tenant, ConsumerName, offset, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (MyelinValidationException)
        {
            if (await _checkpoints.GetAsync(tenant, ConsumerName, cancellationToken).ConfigureAwait(false) < offset)
            {
                throw;
            }
        }
    }

    private SemaphoreSlim Gate(TenantId tenant) => _locks.GetOrAdd(tenant.Value, _ => new SemaphoreSlim(1, 1));

    /// <summary>Reads span records after <paramref name="checkpoint"/> (and below <paramref name="before"/>) back from the log and indexes them; the caller holds the gate.</summary>
    private async Task<int> ReadBackAsync(TenantId tenant, long checkpoint, long? before, CancellationToken cancellationToken)
    {
        int total = 0;
        while (true)
        {
            IReadOnlyList<ExperienceRecord> records = await _log.QueryAsync(
                tenant, new LogQuery { AfterOffset = checkpoint, BeforeOffset = before, Kinds = [ExperienceKinds.Span], Limit = PageSize }, cancellationToken)
                .ConfigureAwait(false);
            if (records.Count == 0)
            {
                return total;
            }

            var entries = new List<TraceIndexEntry>(records.Count);
            foreach (ExperienceRecord record in records)
            {
                if (ToEntry(record) is { } entry)
                {
                    entries.Add(entry);
                }
            }

            await _store.ApplyAsync(tenant, entries, cancellationToken).ConfigureAwait(false);
            checkpoint = records[^1].Offset;
            await AdvanceAsync(tenant, checkpoint, cancellationToken).ConfigureAwait(false);
            total += records.Count;
            if (records.Count < PageSize)
            {
                return total;
            }
        }
    }
}
