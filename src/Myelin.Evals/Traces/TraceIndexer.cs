using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Myelin.Core;
using Myelin.Core.Log;
using Myelin.Evals.Tracing;

namespace Myelin.Evals.Traces;

/// <summary>Feeds the trace index from the experience log as a consumer with a checkpoint, so the index can be rebuilt from the log.</summary>
/// <remarks>
/// Thread-safe; catch-ups of one tenant are serialised. The checkpoint (consumer <see cref="ConsumerName"/>) is written
/// after the index commits; a crash between the two replays a few records, which <see cref="ITraceIndexStore.ApplyAsync"/>
/// ignores because it is idempotent per span.
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

    /// <summary>Indexes every span record of <paramref name="tenant"/> appended since the checkpoint; returns how many were read.</summary>
    public async Task<int> CatchUpAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        SemaphoreSlim gate = _locks.GetOrAdd(tenant.Value, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            long checkpoint = await _checkpoints.GetAsync(tenant, ConsumerName, cancellationToken).ConfigureAwait(false);
            int total = 0;
            while (true)
            {
                IReadOnlyList<ExperienceRecord> records = await _log.QueryAsync(
                    tenant, new LogQuery { AfterOffset = checkpoint, Kinds = [ExperienceKinds.Span], Limit = PageSize }, cancellationToken)
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
                await _checkpoints.SetAsync(tenant, ConsumerName, checkpoint, cancellationToken: cancellationToken).ConfigureAwait(false);
                total += records.Count;
                if (records.Count < PageSize)
                {
                    return total;
                }
            }
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
        try
        {
            using JsonDocument document = JsonDocument.Parse(record.PayloadJson);
            JsonElement p = document.RootElement;
            if (p.ValueKind != JsonValueKind.Object
                || Str(p, "traceId") is not { } traceId || Str(p, "spanId") is not { } spanId
                || !p.TryGetProperty("startTime", out JsonElement startElement) || !startElement.TryGetDateTimeOffset(out DateTimeOffset start))
            {
                return null;
            }

            DateTimeOffset end = p.TryGetProperty("endTime", out JsonElement endElement) && endElement.TryGetDateTimeOffset(out DateTimeOffset e) ? e : start;
            JsonElement attributes = p.TryGetProperty("attributes", out JsonElement a) && a.ValueKind == JsonValueKind.Object ? a : default;
            var models = new SortedSet<string>(StringComparer.Ordinal);
            AddModel(models, attributes, GenAiAttributes.RequestModel);
            AddModel(models, attributes, GenAiAttributes.ResponseModel);
            string? service = p.TryGetProperty("resource", out JsonElement resource) && resource.ValueKind == JsonValueKind.Object
                ? Str(resource, "service.name")
                : null;
            return new TraceIndexEntry(
                traceId,
                spanId,
                Str(p, "parentSpanId") is null,
                Str(p, "name") ?? "",
                start,
                end < start ? start : end,
                p.TryGetProperty("status", out JsonElement status) && status.ValueKind == JsonValueKind.Object && Str(status, "code") == "error",
                record.SessionId ?? Str(p, "sessionId"),
                Str(p, "userId"),
                [.. models],
                Long(attributes, GenAiAttributes.UsageInputTokens),
                Long(attributes, GenAiAttributes.UsageOutputTokens),
                attributes.ValueKind == JsonValueKind.Object && attributes.TryGetProperty(GenAiAttributes.CostUsd, out JsonElement cost)
                    && cost.ValueKind == JsonValueKind.Number ? cost.GetDouble() : 0,
                service);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void AddModel(SortedSet<string> models, JsonElement attributes, string name)
    {
        if (Str(attributes, name) is { Length: > 0 } model)
        {
            models.Add(model);
        }
    }

    private static long Long(JsonElement attributes, string name)
    {
        if (attributes.ValueKind != JsonValueKind.Object || !attributes.TryGetProperty(name, out JsonElement value))
        {
            return 0;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out long l) => l,
            JsonValueKind.Number => (long)value.GetDouble(),
            JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long l) => l,
            _ => 0,
        };
    }

    private static string? Str(JsonElement owner, string name) =>
        owner.ValueKind == JsonValueKind.Object && owner.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
