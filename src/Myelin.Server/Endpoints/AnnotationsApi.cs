using Microsoft.AspNetCore.Http.HttpResults;
using Myelin.Core;
using Myelin.Evals.Monitoring;
using Myelin.Server.Auth;

namespace Myelin.Server.Endpoints;

/// <summary>
/// The annotation queue: <c>GET /api/annotations?status=&amp;limit=</c>, <c>POST /api/annotations</c> (enqueue),
/// <c>POST /api/annotations/claim</c> (the oldest claimable item), <c>POST /api/annotations/{id}/claim</c> and
/// <c>POST /api/annotations/{id}/complete</c> (label; stored as feedback for the item's evaluator).
/// </summary>
/// <remarks>Annotators are identified by their API key id; a claim lasts <see cref="IMonitorStore.ClaimLease"/>.</remarks>
public static class AnnotationsApi
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapAnnotationsApi(this IEndpointRouteBuilder routes)
    {
        RouteGroupBuilder read = routes.MapGroup("/api/annotations").WithTags("Annotations").RequireAuthorization(ApiKeyDefaults.ReaderPolicy);
        read.MapGet("/", ListAsync).ProducesProblem(StatusCodes.Status400BadRequest).WithSummary("Items oldest first; ?status=pending|claimed|completed, ?limit=.");

        RouteGroupBuilder write = routes.MapGroup("/api/annotations").WithTags("Annotations").RequireAuthorization(ApiKeyDefaults.WriterPolicy);
        write.MapPost("/", EnqueueAsync).ProducesProblem(StatusCodes.Status400BadRequest).WithSummary("Queue a trace {traceId, name, reason} for annotation.");
        write.MapPost("/claim", ClaimNextAsync).WithSummary("Claim the oldest claimable item; 204 when the queue is empty.");
        write.MapPost("/{id:long}/claim", ClaimAsync)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Claim one item.");
        write.MapPost("/{id:long}/complete", CompleteAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Complete an item you claimed with {label, comment}.");
        return routes;
    }

    private static async Task<Ok<AnnotationOutput[]>> ListAsync(string? status, string? limit, HttpContext context, IMonitorStore store)
    {
        Principal principal = context.RequireMyelinPrincipal();
        AnnotationStatus? filter = string.IsNullOrEmpty(status) ? null : MonitoringNames.Status(status);
        IReadOnlyList<AnnotationItem> items = await store.ListAnnotationsAsync(principal.Tenant, filter, AlertsApi.Limit(limit), context.RequestAborted)
            .ConfigureAwait(false);
        return TypedResults.Ok(items.Select(AnnotationOutput.From).ToArray());
    }

    private static async Task<Created<AnnotationOutput>> EnqueueAsync(AnnotationInput? input, HttpContext context, IMonitorStore store)
    {
        Principal principal = context.RequireMyelinPrincipal();
        string traceId = FeedbackApi.TraceId(input?.TraceId ?? string.Empty);
        if (input!.Name is { } name && (string.IsNullOrWhiteSpace(name) || name.Length > 256))
        {
            throw new MyelinValidationException("invalid_annotation", "'name' must be 1-256 characters.");
        }

        if (input.Reason is { Length: > 1000 })
        {
            throw new MyelinValidationException("invalid_annotation", "'reason' holds at most 1000 characters.");
        }

        AnnotationItem item = await store.EnqueueAsync(
            principal.Tenant, traceId, input.Name, "manual", input.Reason ?? "queued by hand", context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Created("/api/annotations/" + item.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), AnnotationOutput.From(item));
    }

    private static async Task<Results<Ok<AnnotationOutput>, NoContent>> ClaimNextAsync(HttpContext context, IMonitorStore store)
    {
        Principal principal = context.RequireMyelinPrincipal();
        AnnotationItem? item = await store.ClaimAsync(principal.Tenant, null, principal.KeyId, context.RequestAborted).ConfigureAwait(false);
        return item is null ? TypedResults.NoContent() : TypedResults.Ok(AnnotationOutput.From(item));
    }

    private static async Task<Ok<AnnotationOutput>> ClaimAsync(long id, HttpContext context, IMonitorStore store)
    {
        Principal principal = context.RequireMyelinPrincipal();
        AnnotationItem item = (await store.ClaimAsync(principal.Tenant, id, principal.KeyId, context.RequestAborted).ConfigureAwait(false))!;
        return TypedResults.Ok(AnnotationOutput.From(item));
    }

    private static async Task<Ok<AnnotationOutput>> CompleteAsync(long id, CompleteAnnotationInput? input, HttpContext context, IMonitorStore store)
    {
        Principal principal = context.RequireMyelinPrincipal();
        if (string.IsNullOrWhiteSpace(input?.Label))
        {
            throw new MyelinValidationException("invalid_annotation", "Completing an item needs a 'label'.");
        }

        AnnotationItem item = await store.CompleteAsync(principal.Tenant, id, principal.KeyId, input.Label.Trim(), input.Comment, context.RequestAborted)
            .ConfigureAwait(false);
        return TypedResults.Ok(AnnotationOutput.From(item));
    }
}
