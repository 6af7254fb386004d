using System.Globalization;
using System.Text.Json;
using Myelin.Core;
using Myelin.Core.Log;
using Myelin.Evals.Detectors;
using Myelin.Evals.Evaluators;
using Myelin.Evals.Traces;
using Myelin.Evals.Tracing;

namespace Myelin.Evals.Monitoring;

/// <summary>
/// Runs a tenant's monitors over incoming traces: a log consumer (checkpoint <see cref="ConsumerName"/>) that reads new
/// span records, whether from OTLP ingest or <see cref="TracingChatClient"/>, and evaluates each trace once its root span
/// is stored. For every enabled monitor that samples the trace and whose model and agent filters match, it runs the
/// detectors over the trace's conversation (the whole session when the trace has one, so session-level detectors see
/// earlier turns) and the evaluators over the trace's own turns, then stores the results in the trace index, the flagged
/// findings in the log, and queues the flagged results the monitor annotates.
/// </summary>
/// <remarks>
/// Not for concurrent passes over one tenant (<see cref="MonitoringPipeline"/> serialises them). Replaying after a crash
/// is harmless: results replace themselves, findings are idempotent by key, and an open annotation item is not queued twice.
/// With no enabled monitor the checkpoint jumps to the log head: monitors see traces stored after they were created.
/// </remarks>
public sealed class MonitorRunner
{
    /// <summary>The checkpoint name of this consumer.</summary>
    public const string ConsumerName = "evals.monitor";

    /// <summary>The most span records one pass reads; the rest wait for the next pass.</summary>
    public const int MaxSpansPerPass = 10_000;

    private const int PageSize = 1000;

    private readonly IExperienceLog _log;
    private readonly ICheckpointStore _checkpoints;
    private readonly ITraceIndexStore _traces;
    private readonly IMonitorStore _store;
    private readonly MonitorCatalog _catalog;
    private readonly TimeProvider _time;

    /// <summary>Creates the runner.</summary>
    public MonitorRunner(
        IExperienceLog log, ICheckpointStore checkpoints, ITraceIndexStore traces, IMonitorStore store, MonitorCatalog catalog, TimeProvider? time = null)
    {
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _checkpoints = checkpoints ?? throw new ArgumentNullException(nameof(checkpoints));
        _traces = traces ?? throw new ArgumentNullException(nameof(traces));
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Evaluates the traces completed since the last pass.</summary>
    public async Task<MonitorPass> RunAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        MonitorConfig[] monitors = [.. (await _store.ListMonitorsAsync(tenant, cancellationToken).ConfigureAwait(false)).Where(m => m.Enabled)];
        long checkpoint = await _checkpoints.GetAsync(tenant, ConsumerName, cancellationToken).ConfigureAwait(false);
        if (monitors.Length == 0)
        {
            long head = await _log.GetHeadOffsetAsync(tenant, cancellationToken).ConfigureAwait(false);
            if (head > checkpoint)
            {
                await _checkpoints.SetAsync(tenant, ConsumerName, head, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            return MonitorPass.Empty;
        }

        var roots = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int read = 0;
        long position = checkpoint;
        while (read < MaxSpansPerPass)
        {
            IReadOnlyList<ExperienceRecord> page = await _log.QueryAsync(
                tenant, new LogQuery { AfterOffset = position, Kinds = [ExperienceKinds.Span], Limit = PageSize }, cancellationToken).ConfigureAwait(false);
            foreach (ExperienceRecord record in page)
            {
                if (TraceIndexer.ToEntry(record) is { IsRoot: true } entry && seen.Add(entry.TraceId))
                {
                    roots.Add(entry.TraceId);
                }
            }

            read += page.Count;
            if (page.Count > 0)
            {
                position = page[^1].Offset;
            }

            if (page.Count < PageSize)
            {
                break;
            }
        }

        if (read == 0)
        {
            return MonitorPass.Empty;
        }

        var pass = new PassState(tenant, monitors);
        foreach (string traceId in roots)
        {
            await EvaluateTraceAsync(pass, traceId, cancellationToken).ConfigureAwait(false);
        }

        if (pass.Results.Count > 0)
        {
            await _traces.ApplyResultsAsync(tenant, pass.Results, cancellationToken).ConfigureAwait(false);
        }

        int findings = await FindingRecords.AppendFlaggedAsync(
            _log, tenant, pass.Findings.DistinctBy(f => (f.Kind, f.SessionId, f.TurnIndex)), _time, cancellationToken).ConfigureAwait(false);
        foreach ((string traceId, TraceResult result, string monitor) in pass.Annotate)
        {
            string reason = string.Create(
                CultureInfo.InvariantCulture,
                $"{result.Name} {(result.Source == TraceResultSource.Detector ? "flagged" : "failed")} (score {result.Score:0.00}) in monitor '{monitor}'");
            await _store.EnqueueAsync(
                tenant, traceId, result.Name, result.Source == TraceResultSource.Detector ? "finding" : "rule", reason, cancellationToken).ConfigureAwait(false);
        }

        await _checkpoints.SetAsync(tenant, ConsumerName, position, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new MonitorPass(read, roots.Count, pass.Evaluated, pass.Results.Count, findings, pass.Annotate.Count);
    }

    private async Task EvaluateTraceAsync(PassState pass, string traceId, CancellationToken cancellationToken)
    {
        IReadOnlyList<ExperienceRecord> spans = await _log.QueryAsync(
            pass.Tenant, new LogQuery { TraceId = traceId, Kinds = [ExperienceKinds.Span], Limit = PageSize }, cancellationToken).ConfigureAwait(false);
        var models = new HashSet<string>(StringComparer.Ordinal);
        var agents = new HashSet<string>(StringComparer.Ordinal);
        string? session = null;
        foreach (ExperienceRecord span in spans)
        {
            if (TraceIndexer.ToEntry(span) is { } entry)
            {
                models.UnionWith(entry.Models);
                session ??= entry.SessionId;
            }

            if (AgentName(span.PayloadJson) is { } agent)
            {
                agents.Add(agent);
            }
        }

        Conversation? conversation = null;
        int[] turns = [];
        DateTimeOffset now = _time.GetUtcNow();
        foreach (MonitorConfig monitor in pass.Monitors)
        {
            if (!MonitorSampler.Includes(monitor.SamplingRate, monitor.Seed, traceId)
                || (monitor.Models.Count > 0 && !monitor.Models.Any(models.Contains))
                || (monitor.Agents.Count > 0 && !monitor.Agents.Any(agents.Contains)))
            {
                continue;
            }

            if (conversation is null)
            {
                conversation = await ConversationAsync(pass, traceId, session, spans, cancellationToken).ConfigureAwait(false);
                turns = [.. Enumerable.Range(0, conversation.Turns.Count).Where(i => conversation.Turns[i].TraceId == traceId)];
            }

            if (turns.Length == 0)
            {
                continue;
            }

            pass.Evaluated++;
            var produced = new List<TraceResult>();
            foreach (string kind in monitor.Detectors)
            {
                IReadOnlyList<Finding> findings = await _catalog.CreateDetector(kind).DetectAsync(conversation, cancellationToken: cancellationToken)
                    .ConfigureAwait(false);
                foreach (Finding finding in findings.Where(f => turns.Contains(f.TurnIndex)))
                {
                    produced.Add(new TraceResult(
                        traceId, finding.Kind, TraceResultSource.Detector, finding.TurnIndex, finding.Score,
                        finding.Flagged ? TraceResult.FlaggedLabel : TraceResult.Ok, finding.Flagged, now, monitor.Name));
                    if (finding.Flagged)
                    {
                        pass.Findings.Add(finding);
                    }
                }
            }

            foreach (string metric in monitor.Evaluators)
            {
                IEvaluator evaluator = _catalog.CreateEvaluator(metric);
                foreach (int index in turns)
                {
                    ConversationTurn turn = conversation.Turns[index];
                    EvaluationResult result = await evaluator.EvaluateAsync(
                        new EvaluationInput { Input = turn.User, Output = turn.Assistant, Context = turn.Context }, cancellationToken: cancellationToken)
                        .ConfigureAwait(false);
                    foreach (EvaluationMetric m in result.Metrics.Where(m => !m.IsFailure))
                    {
                        produced.Add(new TraceResult(
                            traceId, m.Name, TraceResultSource.Evaluator, index, m.Score,
                            m.Label ?? (m.Passed ? TraceResult.Pass : TraceResult.Fail), !m.Passed, now, monitor.Name));
                    }
                }
            }

            pass.Results.AddRange(produced);
            foreach (TraceResult flagged in produced.Where(r => r.Flagged && monitor.Annotate.Contains(r.Name)).DistinctBy(r => r.Name))
            {
                pass.Annotate.Add((traceId, flagged, monitor.Name));
            }
        }
    }

    private async Task<Conversation> ConversationAsync(
        PassState pass, string traceId, string? session, IReadOnlyList<ExperienceRecord> traceSpans, CancellationToken cancellationToken)
    {
        if (session is null)
        {
            return DetectionSources.FromSessionSpans(traceId, traceSpans);
        }

        if (!pass.Sessions.TryGetValue(session, out Conversation? conversation))
        {
            IReadOnlyList<ExperienceRecord> spans = await SessionDetection.LoadSpansAsync(_log, pass.Tenant, session, cancellationToken).ConfigureAwait(false);
            conversation = DetectionSources.FromSessionSpans(session, spans);
            pass.Sessions[session] = conversation;
        }

        return conversation;
    }

    private static string? AgentName(string payload)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(payload);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("attributes", out JsonElement attributes) && attributes.ValueKind == JsonValueKind.Object
                && attributes.TryGetProperty(GenAiAttributes.AgentName, out JsonElement name) && name.ValueKind == JsonValueKind.String
                ? name.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed class PassState(TenantId tenant, MonitorConfig[] monitors)
    {
        public TenantId Tenant { get; } = tenant;

        public MonitorConfig[] Monitors { get; } = monitors;

        public Dictionary<string, Conversation> Sessions { get; } = new(StringComparer.Ordinal);

        public List<TraceResult> Results { get; } = [];

        public List<Finding> Findings { get; } = [];

        public List<(string TraceId, TraceResult Result, string Monitor)> Annotate { get; } = [];

        public int Evaluated { get; set; }
    }
}
