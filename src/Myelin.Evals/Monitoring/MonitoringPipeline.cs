using System.Collections.Concurrent;
using Myelin.Core;

namespace Myelin.Evals.Monitoring;

/// <summary>One monitoring cycle of a tenant: run the monitors, evaluate the alert rules, deliver the events' webhooks.</summary>
/// <remarks>Thread-safe; cycles of one tenant are serialised (the background service and an on-demand run may meet).</remarks>
public sealed class MonitoringPipeline
{
    private readonly MonitorRunner _runner;
    private readonly AlertEvaluator _alerts;
    private readonly IMonitorStore _store;
    private readonly WebhookNotifier? _notifier;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    /// <summary>Creates the pipeline.</summary>
    /// <param name="runner">Runs the monitors.</param>
    /// <param name="alerts">Evaluates the rules.</param>
    /// <param name="store">Stores the delivery log.</param>
    /// <param name="notifier">Delivers webhooks; null to record events only.</param>
    public MonitoringPipeline(MonitorRunner runner, AlertEvaluator alerts, IMonitorStore store, WebhookNotifier? notifier)
    {
        _runner = runner ?? throw new ArgumentNullException(nameof(runner));
        _alerts = alerts ?? throw new ArgumentNullException(nameof(alerts));
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _notifier = notifier;
    }

    /// <summary>Runs one cycle for <paramref name="tenant"/>.</summary>
    public async Task<MonitoringCycle> RunAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        SemaphoreSlim gate = _locks.GetOrAdd(tenant.Value, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            MonitorPass pass = await _runner.RunAsync(tenant, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<(AlertRule Rule, AlertEvent Event)> events = await _alerts.EvaluateAsync(tenant, cancellationToken).ConfigureAwait(false);
            int deliveries = 0;
            int undelivered = 0;
            foreach ((AlertRule rule, AlertEvent alert) in events)
            {
                if (_notifier is null || rule.WebhookUrl is null)
                {
                    continue;
                }

                IReadOnlyList<WebhookDelivery> attempts = await _notifier.DeliverAsync(tenant, rule, alert, cancellationToken).ConfigureAwait(false);
                await _store.AddDeliveriesAsync(tenant, attempts, cancellationToken).ConfigureAwait(false);
                deliveries += attempts.Count;
                undelivered += attempts.Count > 0 && attempts[^1].Succeeded ? 0 : 1;
            }

            return new MonitoringCycle(pass, [.. events.Select(e => e.Event)], deliveries, undelivered);
        }
        finally
        {
            gate.Release();
        }
    }
}
