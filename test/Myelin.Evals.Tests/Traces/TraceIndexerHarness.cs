using System.Globalization;
using Myelin.Core;
using Myelin.Evals.Tracing;
using Myelin.Storage.Sqlite;
using Myelin.TestUtilities;

namespace Myelin.Evals.Traces;

/// <summary>Real SQLite storage, trace index and indexer in one temp directory, with span builders for the indexer tests.</summary>
internal sealed class TraceIndexerHarness : IAsyncDisposable
{
    public static readonly TenantId Tenant = new("spans");

    private static readonly DateTimeOffset s_t0 = new(2025, 3, 1, 8, 0, 0, TimeSpan.FromHours(2));

    private readonly TempDirectory _directory;

    private TraceIndexerHarness(TempDirectory directory, SqliteMyelinStorage storage)
    {
        _directory = directory;
        Storage = storage;
        Index = SqliteTraceIndexStore.Open(directory.Path);
        Indexer = new TraceIndexer(storage.Log, storage.Checkpoints, Index);
    }

    public SqliteMyelinStorage Storage { get; }

    public SqliteTraceIndexStore Index { get; }

    public TraceIndexer Indexer { get; }

    public static async Task<TraceIndexerHarness> CreateAsync()
    {
        var directory = new TempDirectory("evals-trace-indexer");
        SqliteMyelinStorage storage = await SqliteMyelinStorage.OpenAsync(new SqliteStorageOptions { DataDirectory = directory.Path });
        await storage.MigrateAsync();
        return new TraceIndexerHarness(directory, storage);
    }

    /// <summary>How far the indexer's checkpoint is behind the log head (0 when every record has been consumed).</summary>
    public async Task<long> LagAsync() =>
        await Storage.Log.GetHeadOffsetAsync(Tenant) - await Storage.Checkpoints.GetAsync(Tenant, TraceIndexer.ConsumerName);

    /// <summary>Every field of every indexed trace, newest first.</summary>
    public async Task<List<string>> SummariesAsync() =>
        [.. (await Index.ListAsync(Tenant, new TraceQuery { Limit = TraceQuery.MaxLimit })).Traces.Select(t => string.Create(
            CultureInfo.InvariantCulture,
            $"{t.TraceId} {t.StartTime:O} {t.EndTime:O} '{t.RootName}' n={t.SpanCount} err={t.ErrorCount} [{string.Join(',', t.Models)}] "
            + $"{t.InputTokens}/{t.OutputTokens} ${t.CostUsd:R} {t.SessionId}/{t.UserId}/{t.ServiceName}"))];

    /// <summary>Plain spans: <paramref name="traces"/> traces of <paramref name="spansPerTrace"/> spans, ids unique per <paramref name="batch"/>.</summary>
    public static SpanData[] Batch(int batch, int traces = 4, int spansPerTrace = 5) =>
        [.. Enumerable.Range(0, traces * spansPerTrace).Select(i => Span(
            TraceId(batch, i / spansPerTrace),
            SpanId(i),
            i % spansPerTrace == 0 ? null : SpanId(i - (i % spansPerTrace)),
            i % spansPerTrace == 0 ? "invoke_agent planner" : "chat gpt-test",
            s_t0.AddSeconds((batch * 100) + i),
            i % 7 == 3 ? "error" : "ok",
            [
                new(GenAiAttributes.ConversationId, $"session-{i % 3}"),
                new(GenAiAttributes.RequestModel, i % 2 == 0 ? "gpt-test" : "qwen"),
                new(GenAiAttributes.UsageInputTokens, 10L + i),
                new(GenAiAttributes.CostUsd, 0.25),
            ]))];

    /// <summary>
    /// Spans that exercise every way an attribute reaches the index: numbers of every type, numeric strings, non-finite
    /// doubles, decimals, arrays, duplicate keys, a session id the log clips or drops, upper-case ids, evaluation events,
    /// a repeated span, an invalid span and one payload over the log's size limit (stored with its strings shortened).
    /// </summary>
    public static SpanData[] Varied()
    {
        var random = new Random(6);
        object?[] tokens = [12L, 7, (short)3, 3.9, 1e20, "42", " 17 ", "x", true, double.NaN, 5.5m, 8m, ulong.MaxValue, 9UL, null, new long[] { 1, 2 }, 2.5f];
        object?[] costs = [0.25, 1L, "0.5", double.PositiveInfinity, 2.5m, 0.1f, null, 3, 1e-9];
        object?[] models = ["gpt-4o", "", 7L, double.NaN, 'c', null, "qwen", "gpt-4o-mini"];
        var spans = new List<SpanData>();
        for (int t = 0; t < 12; t++)
        {
            for (int s = 0; s < 5; s++)
            {
                var attributes = new List<KeyValuePair<string, object?>>
                {
                    new(GenAiAttributes.RequestModel, models[random.Next(models.Length)]),
                    new(GenAiAttributes.UsageInputTokens, tokens[random.Next(tokens.Length)]),
                    new(GenAiAttributes.UsageOutputTokens, tokens[random.Next(tokens.Length)]),
                    new(GenAiAttributes.CostUsd, costs[random.Next(costs.Length)]),
                };
                if (random.Next(3) == 0)
                {
                    attributes.Add(new(GenAiAttributes.ResponseModel, models[random.Next(models.Length)]));
                }

                string? session = (t, s) switch
                {
                    (4, _) => new string('s', 200),
                    (5, 1) => "bad\u0001session",
                    (6, _) => null,
                    _ => $"session-{t % 3}",
                };
                if (session is not null)
                {
                    attributes.Add(new(s == 2 ? GenAiAttributes.SessionId : GenAiAttributes.ConversationId, session));
                }

                if (t % 4 == 1)
                {
                    attributes.Add(new(GenAiAttributes.UserId, $"user-{s}"));
                }

                // A repeated key: the first value wins, in the payload and in memory.
                attributes.Add(new(GenAiAttributes.RequestModel, "shadowed"));
                List<KeyValuePair<string, object?>> resource = t % 3 == 0 ? [] : [new("service.name", t % 3 == 1 ? "svc" : 42L), new("service.name", "late")];
                List<SpanEventData> events = s == 1
                    ? [new(GenAiAttributes.EvaluationResultEvent, s_t0.AddSeconds(t), [new(GenAiAttributes.EvaluationName, "relevance")])]
                    : [];
                string traceId = TraceId(7, t);
                spans.Add(new SpanData(
                    t == 7 ? traceId.ToUpperInvariant() : traceId,
                    SpanId((t * 10) + s),
                    s == 0 ? null : SpanId(t * 10),
                    s == 0 ? "root" : $"child {s}",
                    "internal",
                    s_t0.AddSeconds((t * 60) + random.Next(30)),
                    s_t0.AddSeconds((t * 60) + 30 + random.Next(30)),
                    (s + t) % 5 == 0 ? "error" : s == 3 ? "ERROR" : "ok",
                    null,
                    attributes,
                    events,
                    resource,
                    "scope",
                    "1.0"));
            }
        }

        spans.Add(spans[3]);
        spans.Add(spans[0] with { TraceId = "not-hex" });
        spans.Add(Span(
            TraceId(7, 99), SpanId(990), null, "huge", s_t0, "ok",
            [new("big", new string('x', 1_100_000)), new(GenAiAttributes.RequestModel, new string('m', 5000)), new(GenAiAttributes.UsageInputTokens, 3L)]));
        return [.. spans];
    }

    public static string TraceId(int batch, int trace) => string.Create(CultureInfo.InvariantCulture, $"{batch + 1:x16}{trace + 1:x16}");

    public async ValueTask DisposeAsync()
    {
        await Index.DisposeAsync();
        await Storage.DisposeAsync();
        _directory.Dispose();
    }

    private static string SpanId(int n) => (n + 1).ToString("x16", CultureInfo.InvariantCulture);

    private static SpanData Span(
        string traceId, string spanId, string? parent, string name, DateTimeOffset start, string status, List<KeyValuePair<string, object?>> attributes) =>
        new(traceId, spanId, parent, name, "internal", start, start.AddMilliseconds(5), status, null, attributes, [], [new("service.name", "test")], "test", "1.0");
}
