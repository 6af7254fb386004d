using System.Globalization;
using System.Text.Json;
using Myelin.Core;
using Myelin.Core.Log;
using Myelin.Evals.Traces;
using Myelin.Storage.Sqlite;
using Myelin.TestUtilities;

namespace Myelin.Evals.Monitoring;

/// <summary>Real SQLite storage, trace index and monitor store in one temp directory, on a manual clock.</summary>
internal sealed class MonitoringFixture : IAsyncDisposable
{
    public static readonly TenantId Tenant = new("acme");

    private readonly TempDirectory _directory;

    private MonitoringFixture(TempDirectory directory, SqliteMyelinStorage storage, ManualTimeProvider time)
    {
        _directory = directory;
        Storage = storage;
        Time = time;
        Traces = SqliteTraceIndexStore.Open(directory.Path);
        Store = SqliteMonitorStore.Open(directory.Path, time);
        Indexer = new TraceIndexer(storage.Log, storage.Checkpoints, Traces);
        Runner = new MonitorRunner(storage.Log, storage.Checkpoints, Traces, Store, MonitorCatalog.CreateDefault(), time);
        Alerts = new AlertEvaluator(Traces, Store, time);
    }

    public SqliteMyelinStorage Storage { get; }

    public ManualTimeProvider Time { get; }

    public SqliteTraceIndexStore Traces { get; }

    public SqliteMonitorStore Store { get; }

    public TraceIndexer Indexer { get; }

    public MonitorRunner Runner { get; }

    public AlertEvaluator Alerts { get; }

    public static async Task<MonitoringFixture> CreateAsync()
    {
        var directory = new TempDirectory("evals-monitor");
        SqliteMyelinStorage storage = await SqliteMyelinStorage.OpenAsync(new SqliteStorageOptions { DataDirectory = directory.Path });
        await storage.MigrateAsync();
        return new MonitoringFixture(directory, storage, new ManualTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero)));
    }

    public static string TraceId(int n) => n.ToString("x32", CultureInfo.InvariantCulture);

    /// <summary>Stores one root chat span with its captured conversation.</summary>
    public async Task AddTurnAsync(int trace, string? session, string user, string assistant, string model = "gpt-test", string? agent = null)
    {
        string input = JsonSerializer.Serialize($$"""[{"role":"user","parts":[{"type":"text","content":"{{user}}"}]}]""", Internal.EvalsTestJson.Default.String);
        string output = JsonSerializer.Serialize($$"""[{"role":"assistant","parts":[{"type":"text","content":"{{assistant}}"}]}]""", Internal.EvalsTestJson.Default.String);
        string start = Time.GetUtcNow().AddSeconds(trace).ToString("O", CultureInfo.InvariantCulture);
        string agentAttribute = agent is null ? string.Empty : $$""","gen_ai.agent.name":"{{agent}}" """;
        string payload = $$$"""
            {"traceId":"{{{TraceId(trace)}}}","spanId":"{{{trace.ToString("x16", CultureInfo.InvariantCulture)}}}","name":"chat {{{model}}}",
             "startTime":"{{{start}}}","endTime":"{{{start}}}",
             "attributes":{"gen_ai.request.model":"{{{model}}}","gen_ai.input.messages":{{{input}}},"gen_ai.output.messages":{{{output}}}{{{agentAttribute}}}}}
            """;
        await Storage.Log.AppendAsync(Tenant, [new NewExperienceRecord(ExperienceKinds.Span, payload, Time.GetUtcNow(), TraceId(trace), session)]);
    }

    /// <summary>The Eiffel session (turn 1 drifts to bananas) and one standalone trace.</summary>
    public async Task AddStandardTracesAsync()
    {
        await AddTurnAsync(1, "s-1", "Tell me about the Eiffel Tower.", "The Eiffel Tower is an iron tower in Paris.");
        await AddTurnAsync(2, "s-1", "How tall is it?", "Bananas grow in tropical climates and are rich in potassium.");
        await AddTurnAsync(3, null, "What is the capital of France?", "Paris is the capital of France.");
    }

    public async Task<string[]> ListAsync(TraceQuery query)
    {
        await Indexer.CatchUpAsync(Tenant);
        TracePage page = await Traces.ListAsync(Tenant, query);
        return [.. page.Traces.Select(t => t.TraceId).Order(StringComparer.Ordinal)];
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        await Traces.DisposeAsync();
        await Storage.DisposeAsync();
        _directory.Dispose();
    }
}
