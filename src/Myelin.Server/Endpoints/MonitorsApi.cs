using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Myelin.Core;
using Myelin.Core.Storage;
using Myelin.Evals.Monitoring;
using Myelin.Evals.Traces;
using Myelin.Server.Auth;

namespace Myelin.Server.Endpoints;

/// <summary>
/// Online monitors: <c>GET /api/monitors</c>, <c>PUT|DELETE /api/monitors/{name}</c>, <c>GET /api/monitors/catalog</c>,
/// <c>GET /api/monitors/rates?name=&amp;windowMinutes=</c> and <c>POST /api/monitors/run</c> (one cycle now).
/// </summary>
/// <remarks>Monitors also run in the background (<see cref="MonitoringBackgroundService"/>); everything is tenant-scoped.</remarks>
public static class MonitorsApi
{
    /// <summary>Registers the monitor store (<c>{data}/evals.db</c>), the pipeline and the background service.</summary>
    public static IServiceCollection AddMonitoring(this IServiceCollection services, string dataDirectory)
    {
        services.AddSingleton<IMonitorStore>(sp => SqliteMonitorStore.Open(dataDirectory, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(_ => MonitorCatalog.CreateDefault());
        services.AddSingleton(sp =>
        {
            IMyelinStorage storage = sp.GetRequiredService<IMyelinStorage>();
            TimeProvider time = sp.GetRequiredService<TimeProvider>();
            ITraceIndexStore traces = sp.GetRequiredService<ITraceIndexStore>();
            IMonitorStore store = sp.GetRequiredService<IMonitorStore>();
            return new MonitoringPipeline(
                new MonitorRunner(storage.Log, storage.Checkpoints, traces, store, sp.GetRequiredService<MonitorCatalog>(), time),
                new AlertEvaluator(traces, store, time),
                store,
                new WebhookNotifier(sp.GetRequiredService<WebhookHttpClient>().Client, time));
        });
        services.AddSingleton<WebhookHttpClient>();
        services.AddHostedService<MonitoringBackgroundService>();
        return services;
    }

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapMonitorsApi(this IEndpointRouteBuilder routes)
    {
        RouteGroupBuilder read = routes.MapGroup("/api/monitors").WithTags("Monitors").RequireAuthorization(ApiKeyDefaults.ReaderPolicy);
        read.MapGet("/", ListAsync).WithSummary("The tenant's monitors.");
        read.MapGet("/catalog", (MonitorCatalog catalog) => TypedResults.Ok(new MonitorCatalogOutput([.. catalog.DetectorNames], [.. catalog.EvaluatorNames])))
            .WithSummary("Detector kinds and evaluator metrics a monitor can name.");
        read.MapGet("/rates", RateAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Share of evaluated traces flagged by ?name= (finding kind or metric) and their mean score over the last ?windowMinutes= (default 60).");

        RouteGroupBuilder write = routes.MapGroup("/api/monitors").WithTags("Monitors").RequireAuthorization(ApiKeyDefaults.WriterPolicy);
        write.MapPut("/{name}", PutAsync).ProducesProblem(StatusCodes.Status400BadRequest).WithSummary("Create or replace a monitor.");
        write.MapDelete("/{name}", DeleteAsync).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Delete a monitor.");
        write.MapPost("/run", RunAsync).WithSummary("Run one monitoring cycle for the tenant now: monitors, alert rules, webhooks.");
        return routes;
    }

    private static async Task<Ok<MonitorConfig[]>> ListAsync(HttpContext context, IMonitorStore store)
    {
        Principal principal = context.RequireMyelinPrincipal();
        return TypedResults.Ok((await store.ListMonitorsAsync(principal.Tenant, context.RequestAborted).ConfigureAwait(false)).ToArray());
    }

    private static async Task<Results<Created<MonitorConfig>, Ok<MonitorConfig>>> PutAsync(
        string name, MonitorInput? input, HttpContext context, IMonitorStore store, MonitorCatalog catalog)
    {
        Principal principal = context.RequireMyelinPrincipal();
        if (input is null)
        {
            throw new MyelinValidationException("invalid_monitor", "Send the monitor as JSON: {samplingRate, detectors, evaluators, models, agents, annotate}.");
        }

        var monitor = new MonitorConfig
        {
            Name = name,
            SamplingRate = input.SamplingRate ?? 1,
            Seed = input.Seed ?? 0,
            Detectors = input.Detectors ?? [],
            Evaluators = input.Evaluators ?? [],
            Models = input.Models ?? [],
            Agents = input.Agents ?? [],
            Annotate = input.Annotate ?? [],
            Enabled = input.Enabled ?? true,
        };
        monitor.Validate(catalog);
        bool created = await store.PutMonitorAsync(principal.Tenant, monitor, context.RequestAborted).ConfigureAwait(false);
        return created ? TypedResults.Created("/api/monitors/" + name, monitor) : TypedResults.Ok(monitor);
    }

    private static async Task<NoContent> DeleteAsync(string name, HttpContext context, IMonitorStore store)
    {
        Principal principal = context.RequireMyelinPrincipal();
        return await store.DeleteMonitorAsync(principal.Tenant, name, context.RequestAborted).ConfigureAwait(false)
            ? TypedResults.NoContent()
            : throw new MyelinNotFoundException("monitor_not_found", $"No monitor '{name}' in this tenant.");
    }

    private static async Task<Ok<MonitoringCycleOutput>> RunAsync(HttpContext context, MonitoringPipeline pipeline)
    {
        Principal principal = context.RequireMyelinPrincipal();
        MonitoringCycle cycle = await pipeline.RunAsync(principal.Tenant, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(new MonitoringCycleOutput(cycle.Pass, [.. cycle.Events.Select(AlertsApi.ToOutput)], cycle.Deliveries, cycle.Undelivered));
    }

    private static async Task<Ok<WindowedRateOutput>> RateAsync(
        string? name, string? windowMinutes, HttpContext context, ITraceIndexStore traces, TimeProvider time)
    {
        Principal principal = context.RequireMyelinPrincipal();
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new MyelinValidationException("missing_name", "Name the finding kind or metric: ?name=drift.");
        }

        int minutes = 60;
        if (!string.IsNullOrEmpty(windowMinutes)
            && (!int.TryParse(windowMinutes, NumberStyles.None, CultureInfo.InvariantCulture, out minutes) || minutes is < 1 or > 10_080))
        {
            throw new MyelinValidationException("invalid_window", $"'windowMinutes' must be a whole number from 1 to 10080, got '{windowMinutes}'.");
        }

        DateTimeOffset now = time.GetUtcNow();
        WindowedRate rate = await traces.GetRateAsync(
            principal.Tenant, name, now.AddMinutes(-minutes), now.AddTicks(TimeSpan.TicksPerMicrosecond), context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(new WindowedRateOutput(rate.Name, rate.From, rate.To, rate.Traces, rate.Flagged, rate.Rate, rate.MeanScore));
    }
}
