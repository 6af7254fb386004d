namespace Myelin.Evals.Traces;

/// <summary>What produced a <see cref="TraceResult"/>.</summary>
public enum TraceResultSource
{
    /// <summary>An evaluator (a metric of answer quality).</summary>
    Evaluator,

    /// <summary>A detector (a finding kind).</summary>
    Detector,
}
