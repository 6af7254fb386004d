using Myelin.Evals.Monitoring;
using Myelin.Evals.Traces;

namespace Myelin.Server.Endpoints;

/// <summary>The body of <c>PUT /api/monitors/{name}</c>; see <see cref="MonitorConfig"/>.</summary>
/// <param name="SamplingRate">Share of traces evaluated, 0-1 (default 1).</param>
/// <param name="Seed">Sampler seed (default 0).</param>
/// <param name="Detectors">Detector kinds.</param>
/// <param name="Evaluators">Evaluator metric names.</param>
/// <param name="Models">Only traces that used one of these models.</param>
/// <param name="Agents">Only traces of one of these agents.</param>
/// <param name="Annotate">Names whose flagged results are queued for annotation.</param>
/// <param name="Enabled">Whether it runs (default true).</param>
public sealed record MonitorInput(
    double? SamplingRate,
    long? Seed,
    IReadOnlyList<string>? Detectors,
    IReadOnlyList<string>? Evaluators,
    IReadOnlyList<string>? Models,
    IReadOnlyList<string>? Agents,
    IReadOnlyList<string>? Annotate,
    bool? Enabled);

/// <summary>The detectors and evaluators monitors can name.</summary>
/// <param name="Detectors">Finding kinds.</param>
/// <param name="Evaluators">Metric names.</param>
public sealed record MonitorCatalogOutput(IReadOnlyList<string> Detectors, IReadOnlyList<string> Evaluators);

/// <summary>The answer of <c>POST /api/monitors/run</c>.</summary>
/// <param name="Pass">What the monitors did.</param>
/// <param name="Events">Alert events emitted.</param>
/// <param name="Deliveries">Webhook attempts made.</param>
/// <param name="Undelivered">Events whose webhook never answered 2xx.</param>
public sealed record MonitoringCycleOutput(MonitorPass Pass, IReadOnlyList<AlertEventOutput> Events, int Deliveries, int Undelivered);

/// <summary>A windowed rate; see <see cref="WindowedRate"/>.</summary>
/// <param name="Name">Metric or finding kind.</param>
/// <param name="From">Window start.</param>
/// <param name="To">Window end.</param>
/// <param name="Traces">Evaluated traces.</param>
/// <param name="Flagged">Traces with a flagged result.</param>
/// <param name="Rate">Flagged / traces; null for an empty window.</param>
/// <param name="MeanScore">Mean score; null when none.</param>
public sealed record WindowedRateOutput(string Name, DateTimeOffset From, DateTimeOffset To, long Traces, long Flagged, double? Rate, double? MeanScore);

/// <summary>The body of <c>PUT /api/alerts/rules/{name}</c>; see <see cref="AlertRule"/>.</summary>
/// <param name="Kind"><c>finding_rate</c> or <c>score_below</c>.</param>
/// <param name="Target">Finding kind or metric name.</param>
/// <param name="Threshold">0-1.</param>
/// <param name="WindowMinutes">1-10080 (default 15).</param>
/// <param name="MinCount">Evaluated traces needed to judge (default 1).</param>
/// <param name="WebhookUrl">Absolute http(s) URL, optional.</param>
/// <param name="Secret">HMAC key, 16-256 characters; generated (and returned once) when a webhook is set without one.</param>
public sealed record AlertRuleInput(
    string? Kind, string? Target, double? Threshold, double? WindowMinutes, int? MinCount, string? WebhookUrl, string? Secret);

/// <summary>An alert rule with its state. The secret is only returned by the <c>PUT</c> that generated it.</summary>
/// <param name="Name">Rule name.</param>
/// <param name="Kind">Kind.</param>
/// <param name="Target">Finding kind or metric name.</param>
/// <param name="Threshold">Threshold.</param>
/// <param name="WindowMinutes">Window.</param>
/// <param name="MinCount">Minimum evaluated traces.</param>
/// <param name="WebhookUrl">Webhook, if any.</param>
/// <param name="State"><c>ok</c>, <c>firing</c> or <c>resolved</c>.</param>
/// <param name="Since">When it entered that state.</param>
/// <param name="Secret">The generated secret (PUT only).</param>
public sealed record AlertRuleOutput(
    string Name, string Kind, string Target, double Threshold, double WindowMinutes, int MinCount, string? WebhookUrl, string State, DateTimeOffset Since,
    string? Secret);

/// <summary>An alert event.</summary>
/// <param name="Id">Event id.</param>
/// <param name="Rule">Rule name.</param>
/// <param name="State"><c>firing</c> or <c>resolved</c>.</param>
/// <param name="At">When.</param>
/// <param name="Traces">Evaluated traces in the window.</param>
/// <param name="Flagged">Flagged traces in the window.</param>
/// <param name="Value">Rate or mean score.</param>
/// <param name="Threshold">The rule's threshold.</param>
public sealed record AlertEventOutput(long Id, string Rule, string State, DateTimeOffset At, long Traces, long Flagged, double? Value, double Threshold);

/// <summary>The body of <c>POST /api/traces/{traceId}/feedback</c>; see <see cref="Feedback"/>.</summary>
/// <param name="SpanId">The span, when the feedback is on one.</param>
/// <param name="Thumbs"><c>up</c> or <c>down</c>.</param>
/// <param name="Score">0-1.</param>
/// <param name="Label">A categorical verdict.</param>
/// <param name="Comment">Free text.</param>
/// <param name="Evaluator">The evaluator the label judges.</param>
public sealed record FeedbackInput(string? SpanId, string? Thumbs, double? Score, string? Label, string? Comment, string? Evaluator);

/// <summary>The body of <c>POST /api/annotations</c>.</summary>
/// <param name="TraceId">The trace.</param>
/// <param name="Name">The evaluator or finding kind to judge, if any.</param>
/// <param name="Reason">Why.</param>
public sealed record AnnotationInput(string? TraceId, string? Name, string? Reason);

/// <summary>The body of <c>POST /api/annotations/{id}/complete</c>.</summary>
/// <param name="Label">The human label.</param>
/// <param name="Comment">Optional comment.</param>
public sealed record CompleteAnnotationInput(string? Label, string? Comment);

/// <summary>An annotation item.</summary>
/// <param name="Id">Item id.</param>
/// <param name="TraceId">Trace.</param>
/// <param name="Name">Evaluator or finding kind.</param>
/// <param name="Source"><c>finding</c>, <c>rule</c> or <c>manual</c>.</param>
/// <param name="Reason">Why it was queued.</param>
/// <param name="Status"><c>pending</c>, <c>claimed</c> or <c>completed</c>.</param>
/// <param name="CreatedAt">Queued at.</param>
/// <param name="ClaimedBy">Annotator key id.</param>
/// <param name="ClaimedAt">Claimed at.</param>
/// <param name="Label">Human label.</param>
/// <param name="Comment">Comment.</param>
/// <param name="CompletedAt">Completed at.</param>
public sealed record AnnotationOutput(
    long Id, string TraceId, string? Name, string Source, string Reason, string Status, DateTimeOffset CreatedAt, string? ClaimedBy,
    DateTimeOffset? ClaimedAt, string? Label, string? Comment, DateTimeOffset? CompletedAt)
{
    /// <summary>Maps a stored item.</summary>
    public static AnnotationOutput From(AnnotationItem i) => new(
        i.Id, i.TraceId, i.Name, i.Source, i.Reason, MonitoringNames.Of(i.Status), i.CreatedAt, i.ClaimedBy, i.ClaimedAt, i.Label, i.Comment, i.CompletedAt);
}

/// <summary>One stored score or verdict of a trace.</summary>
/// <param name="Name">Metric or finding kind.</param>
/// <param name="Source"><c>evaluator</c> or <c>detector</c>.</param>
/// <param name="TurnIndex">Turn within the conversation.</param>
/// <param name="Score">Score.</param>
/// <param name="Label">Label.</param>
/// <param name="Flagged">Failing metric or flagged finding.</param>
/// <param name="EvaluatedAt">When.</param>
/// <param name="Monitor">Producing monitor.</param>
public sealed record TraceResultOutput(
    string Name, string Source, int TurnIndex, double? Score, string Label, bool Flagged, DateTimeOffset EvaluatedAt, string Monitor)
{
    /// <summary>Maps a stored result.</summary>
    public static TraceResultOutput From(TraceResult r) => new(
        r.Name, r.Source == TraceResultSource.Detector ? "detector" : "evaluator", r.TurnIndex, r.Score, r.Label, r.Flagged, r.EvaluatedAt, r.Monitor);
}

/// <summary>Judge-vs-human agreement of one evaluator.</summary>
/// <param name="Evaluator">Metric or finding kind.</param>
/// <param name="HumanLabels">Traces humans labelled.</param>
/// <param name="Pairs">Of those, traces the evaluator labelled too.</param>
/// <param name="Observed">p_o.</param>
/// <param name="Expected">p_e.</param>
/// <param name="Kappa">Cohen's κ; null when undefined.</param>
/// <param name="Labels">Labels used.</param>
public sealed record EvaluatorAgreementOutput(
    string Evaluator, int HumanLabels, int Pairs, double Observed, double Expected, double? Kappa, IReadOnlyList<string> Labels);
