using Myelin.Core;
using Myelin.Evals.Monitoring;

namespace Myelin.Server.Endpoints;

/// <summary>Runs a monitoring cycle for every tenant with an enabled monitor or an alert rule, every <see cref="Interval"/>.</summary>
/// <remarks>A failing tenant is logged and skipped; the loop stops with the host.</remarks>
internal sealed partial class MonitoringBackgroundService(
    MonitoringPipeline pipeline, IMonitorStore store, TimeProvider time, ILogger<MonitoringBackgroundService> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                IReadOnlyList<TenantId> tenants;
                try
                {
                    tenants = await store.ListActiveTenantsAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // An exception escaping ExecuteAsync would stop the host; one bad tick must not.
                    LogCycleFailed(logger, "*", ex);
                    continue;
                }

                foreach (TenantId tenant in tenants)
                {
                    try
                    {
                        await pipeline.RunAsync(tenant, stoppingToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        LogCycleFailed(logger, tenant.Value, ex);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown.
        }
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Error, Message = "Monitoring cycle failed for tenant {Tenant}")]
    private static partial void LogCycleFailed(ILogger logger, string tenant, Exception exception);
}
