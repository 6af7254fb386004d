using Microsoft.AspNetCore.Http.HttpResults;
using Myelin.Core;
using Myelin.Core.Storage;
using Myelin.Server.Auth;
using Myelin.Server.Http;

namespace Myelin.Server.Endpoints;

/// <summary><c>/health</c> (process alive), <c>/ready</c> (storage answers) and <c>/api/status</c>.</summary>
public static class StatusApi
{
    /// <summary>Maps the status endpoints.</summary>
    public static IEndpointRouteBuilder MapStatusApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", () => TypedResults.Ok(new HealthOutput("ok"))).WithTags("Status").AllowAnonymous();
        routes.MapGet("/ready", ReadyAsync).WithTags("Status").AllowAnonymous();
        routes.MapGet("/api/status", StatusAsync).WithTags("Status").RequireAuthorization(ApiKeyDefaults.ReaderPolicy);

        // Metrics span every tenant, so only the operator may scrape them (Prometheus: bearer_token in the scrape config).
        routes.MapGet("/metrics", (MetricsCollector metrics) => Results.Text(metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"))
            .WithTags("Status")
            .RequireAuthorization(ApiKeyDefaults.OperatorPolicy)
            .WithSummary("Prometheus text exposition of the Myelin.* meters (inference latency, tokens, prefix cache, queue).");
        return routes;
    }

    private static async Task<Results<Ok<HealthOutput>, ProblemHttpResult>> ReadyAsync(IMyelinStorage storage, CancellationToken cancellationToken)
    {
        try
        {
            await storage.Log.GetHeadOffsetAsync(TenantId.Default, cancellationToken).ConfigureAwait(false);
            return TypedResults.Ok(new HealthOutput("ready"));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (ProblemHttpResult)Problems.Result(StatusCodes.Status503ServiceUnavailable, "storage_unavailable", "Storage is not answering: " + ex.Message);
        }
    }

    private static async Task<Ok<StatusOutput>> StatusAsync(HttpContext context, IMyelinStorage storage, ServerInfo info)
    {
        Principal caller = context.RequireMyelinPrincipal();
        StatusOutput status = await GetAsync(caller, storage, info, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(status);
    }

    /// <summary>Gathers the status of the caller's tenant.</summary>
    public static async Task<StatusOutput> GetAsync(Principal caller, IMyelinStorage storage, ServerInfo info, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(info);
        StorageStats stats = await storage.GetStatsAsync(caller.Tenant, cancellationToken).ConfigureAwait(false);
        return new StatusOutput(
            ServerInfo.Version, caller.Tenant.Value, RoleNames.Format(caller.Role), stats.Provider, stats.Location, stats.SchemaVersion,
            Math.Round(info.Uptime.TotalSeconds, 1), stats.LogRecords, stats.ApiKeys, stats.Blobs, stats.BlobBytes);
    }
}

/// <summary>Body of <c>/health</c> and <c>/ready</c>.</summary>
/// <param name="Status">ok or ready.</param>
public sealed record HealthOutput(string Status);
