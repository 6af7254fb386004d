using Myelin.Evals.Detectors;
using Myelin.Evals.Evaluators;

namespace Myelin.Evals.Monitoring;

/// <summary>The detectors and evaluators monitors may name, each built on demand by name.</summary>
/// <remarks>
/// The default catalog holds the three detectors and the evaluators that need no golden answer: <c>answer_relevance</c>
/// and <c>groundedness</c> (lexical; context comes from the span's system and tool messages). Hosts add more (an LLM
/// judge, an embedding-backed relevance) with <see cref="AddEvaluator"/>. Not thread-safe while being filled; read-only after.
/// </remarks>
public sealed class MonitorCatalog
{
    private readonly Dictionary<string, Func<IDetector>> _detectors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<IEvaluator>> _evaluators = new(StringComparer.Ordinal);

    /// <summary>A catalog with the built-in detectors and reference-free evaluators.</summary>
    public static MonitorCatalog CreateDefault() => new MonitorCatalog()
        .AddDetector(FindingKinds.ConfidenceTrap, () => new ConfidenceTrapDetector())
        .AddDetector(FindingKinds.Drift, () => new DriftDetector())
        .AddDetector(FindingKinds.SilentMismatch, () => new SilentMismatchDetector())
        .AddEvaluator(AnswerRelevanceEvaluator.Metric, () => new AnswerRelevanceEvaluator())
        .AddEvaluator(GroundednessEvaluator.Metric, () => new GroundednessEvaluator());

    /// <summary>Known detector kinds, sorted.</summary>
    public IEnumerable<string> DetectorNames => _detectors.Keys.Order(StringComparer.Ordinal);

    /// <summary>Known evaluator metric names, sorted.</summary>
    public IEnumerable<string> EvaluatorNames => _evaluators.Keys.Order(StringComparer.Ordinal);

    /// <summary>Registers a detector under its finding kind.</summary>
    public MonitorCatalog AddDetector(string kind, Func<IDetector> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        _detectors[kind] = factory ?? throw new ArgumentNullException(nameof(factory));
        return this;
    }

    /// <summary>Registers an evaluator under the metric name monitors select it by.</summary>
    public MonitorCatalog AddEvaluator(string metric, Func<IEvaluator> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(metric);
        _evaluators[metric] = factory ?? throw new ArgumentNullException(nameof(factory));
        return this;
    }

    /// <summary>Whether a detector of that kind is registered.</summary>
    public bool HasDetector(string kind) => _detectors.ContainsKey(kind);

    /// <summary>Whether an evaluator of that metric is registered.</summary>
    public bool HasEvaluator(string metric) => _evaluators.ContainsKey(metric);

    /// <summary>Builds the detector of <paramref name="kind"/>.</summary>
    public IDetector CreateDetector(string kind) => _detectors[kind]();

    /// <summary>Builds the evaluator of <paramref name="metric"/>.</summary>
    public IEvaluator CreateEvaluator(string metric) => _evaluators[metric]();
}
