namespace Myelin.Evals.Traces;

/// <summary>One evaluator's or detector's verdict on one turn of a trace, as the trace index keeps it.</summary>
/// <param name="TraceId">The trace.</param>
/// <param name="Name">The evaluator's metric name or the detector's finding kind.</param>
/// <param name="Source">Whether an evaluator or a detector produced it.</param>
/// <param name="TurnIndex">0-based turn index within the conversation the trace belongs to.</param>
/// <param name="Score">Evaluator: quality in [0, 1] (1 best). Detector: failure likelihood in [0, 1]. Null when the metric has no score.</param>
/// <param name="Label">Evaluator: the metric's label, else <c>pass</c>/<c>fail</c>. Detector: <c>flagged</c>/<c>ok</c>.</param>
/// <param name="Flagged">True for a failing evaluator metric or a flagged finding: the outcome alerts and annotation rules look at.</param>
/// <param name="EvaluatedAt">When it was produced.</param>
/// <param name="Monitor">The monitor that produced it.</param>
public sealed record TraceResult(
    string TraceId,
    string Name,
    TraceResultSource Source,
    int TurnIndex,
    double? Score,
    string Label,
    bool Flagged,
    DateTimeOffset EvaluatedAt,
    string Monitor)
{
    /// <summary>The label of an evaluator result that passed.</summary>
    public const string Pass = "pass";

    /// <summary>The label of an evaluator result that failed.</summary>
    public const string Fail = "fail";

    /// <summary>The label of a flagged finding.</summary>
    public const string FlaggedLabel = "flagged";

    /// <summary>The label of a detector result under its threshold.</summary>
    public const string Ok = "ok";
}
