using Myelin.Core;

namespace Myelin.Evals.Monitoring;

/// <summary>The wire and storage names of the monitoring enums (snake_case, stable).</summary>
public static class MonitoringNames
{
    /// <summary><c>finding_rate</c> or <c>score_below</c>.</summary>
    public static string Of(AlertRuleKind kind) => kind == AlertRuleKind.ScoreBelow ? "score_below" : "finding_rate";

    /// <summary><c>ok</c>, <c>firing</c> or <c>resolved</c>.</summary>
    public static string Of(AlertState state) => state switch
    {
        AlertState.Firing => "firing",
        AlertState.Resolved => "resolved",
        _ => "ok",
    };

    /// <summary><c>pending</c>, <c>claimed</c> or <c>completed</c>.</summary>
    public static string Of(AnnotationStatus status) => status switch
    {
        AnnotationStatus.Claimed => "claimed",
        AnnotationStatus.Completed => "completed",
        _ => "pending",
    };

    /// <summary>Parses a rule kind.</summary>
    /// <exception cref="MyelinValidationException">Not a known kind.</exception>
    public static AlertRuleKind RuleKind(string? text) => text switch
    {
        "finding_rate" => AlertRuleKind.FindingRate,
        "score_below" => AlertRuleKind.ScoreBelow,
        _ => throw new MyelinValidationException("invalid_alert_rule", "'kind' must be 'finding_rate' or 'score_below'."),
    };

    /// <summary>Parses a stored state.</summary>
    public static AlertState State(string text) => text switch
    {
        "firing" => AlertState.Firing,
        "resolved" => AlertState.Resolved,
        _ => AlertState.Ok,
    };

    /// <summary>Parses an annotation status.</summary>
    /// <exception cref="MyelinValidationException">Not a known status.</exception>
    public static AnnotationStatus Status(string? text) => text switch
    {
        "pending" => AnnotationStatus.Pending,
        "claimed" => AnnotationStatus.Claimed,
        "completed" => AnnotationStatus.Completed,
        _ => throw new MyelinValidationException("invalid_status", "'status' must be 'pending', 'claimed' or 'completed'."),
    };
}
