using Myelin.Core;
using Myelin.Evals.Traces;

namespace Myelin.Evals.Monitoring;

/// <summary>Judge-vs-human agreement of one evaluator: its trace labels paired with the latest human label per trace.</summary>
/// <param name="Evaluator">Metric name or finding kind.</param>
/// <param name="HumanLabels">Traces humans labelled for it.</param>
/// <param name="Agreement">Cohen's κ over the traces both labelled.</param>
public sealed record EvaluatorAgreement(string Evaluator, int HumanLabels, Agreement Agreement)
{
    /// <summary>The most human labels read per evaluator (the most recent traces).</summary>
    public const int MaxPairs = SqliteTraceIndexStore.MaxLabelTraces;

    /// <summary>Agreement for <paramref name="evaluator"/>, or for every evaluator with human labels when null.</summary>
    public static async Task<IReadOnlyList<EvaluatorAgreement>> ComputeAsync(
        IMonitorStore store, ITraceIndexStore traces, TenantId tenant, string? evaluator, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(traces);
        IReadOnlyList<string> names = evaluator is null
            ? await store.ListLabelledEvaluatorsAsync(tenant, cancellationToken).ConfigureAwait(false)
            : [evaluator];
        var report = new List<EvaluatorAgreement>(names.Count);
        foreach (string name in names)
        {
            IReadOnlyList<(string TraceId, string Label)> human = await store.GetHumanLabelsAsync(tenant, name, MaxPairs, cancellationToken).ConfigureAwait(false);
            IReadOnlyDictionary<string, string> machine = await traces.GetTraceLabelsAsync(
                tenant, name, [.. human.Select(h => h.TraceId)], cancellationToken).ConfigureAwait(false);
            (string, string)[] pairs = [.. human.Where(h => machine.ContainsKey(h.TraceId)).Select(h => (machine[h.TraceId], h.Label))];
            report.Add(new EvaluatorAgreement(name, human.Count, CohensKappa.Compute(pairs)));
        }

        return report;
    }
}
