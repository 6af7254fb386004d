namespace Myelin.Evals.Evaluators;

/// <summary>Scores one model answer: the evals room's single evaluator abstraction, shaped like <c>IChatClient</c>.</summary>
/// <remarks>
/// Implementations must be thread-safe: an experiment calls one instance for many items concurrently. An evaluator that
/// cannot score (missing expected output, unparseable judge output) returns a metric whose <see cref="EvaluationMetric.Error"/>
/// says why; it never invents a default score. Custom evaluators implement this interface and nothing else.
/// </remarks>
public interface IEvaluator
{
    /// <summary>The names of the metrics this evaluator returns.</summary>
    IReadOnlyList<string> MetricNames { get; }

    /// <summary>Evaluates one answer.</summary>
    /// <param name="input">The question, the answer and what it is judged against.</param>
    /// <param name="options">Per-call options; null for defaults.</param>
    /// <param name="cancellationToken">Cancels the evaluation.</param>
    /// <returns>One metric per name in <see cref="MetricNames"/>.</returns>
    Task<EvaluationResult> EvaluateAsync(EvaluationInput input, EvaluationOptions? options = null, CancellationToken cancellationToken = default);
}
