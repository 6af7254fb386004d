using Myelin.Core;
using Myelin.Evals.Traces;

namespace Myelin.Evals.Monitoring;

/// <summary>Evaluates a tenant's alert rules over their sliding windows and stores the state changes as events.</summary>
/// <remarks>Thread-safe; concurrent evaluations of one rule emit one event per change (<see cref="IMonitorStore.TransitionAsync"/> is conditional).</remarks>
public sealed class AlertEvaluator
{
    private readonly ITraceIndexStore _traces;
    private readonly IMonitorStore _store;
    private readonly TimeProvider _time;

    /// <summary>Creates the evaluator.</summary>
    public AlertEvaluator(ITraceIndexStore traces, IMonitorStore store, TimeProvider? time = null)
    {
        _traces = traces ?? throw new ArgumentNullException(nameof(traces));
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Checks every rule of the tenant against the window ending now; returns the events emitted, with their rules.</summary>
    public async Task<IReadOnlyList<(AlertRule Rule, AlertEvent Event)>> EvaluateAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        var emitted = new List<(AlertRule, AlertEvent)>();
        foreach (AlertRuleStatus status in await _store.ListRulesAsync(tenant, cancellationToken).ConfigureAwait(false))
        {
            AlertRule rule = status.Rule;
            DateTimeOffset now = _time.GetUtcNow();
            // The window includes results stamped at this very instant.
            WindowedRate window = await _traces.GetRateAsync(
                tenant, rule.Target, now - rule.Window, now.AddTicks(TimeSpan.TicksPerMicrosecond), cancellationToken).ConfigureAwait(false);
            (AlertState next, AlertState? emit) = AlertStateMachine.Step(status.State, rule.Condition(window.Traces, window.Rate, window.MeanScore));
            if (emit is not { } state)
            {
                continue;
            }

            double? value = rule.Kind == AlertRuleKind.FindingRate ? window.Rate : window.MeanScore;
            var alert = new AlertEvent(0, rule.Name, state, now, window.Traces, window.Flagged, value, rule.Threshold);
            if (await _store.TransitionAsync(tenant, status.State, next, alert, cancellationToken).ConfigureAwait(false) is { } stored)
            {
                emitted.Add((rule, stored));
            }
        }

        return emitted;
    }
}
