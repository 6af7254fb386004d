using Microsoft.AspNetCore.Http.HttpResults;
using Myelin.Core;
using Myelin.Core.Storage;
using Myelin.Server.Auth;

namespace Myelin.Server.Endpoints;

/// <summary>Consumer checkpoints over HTTP, so a consumer in any language can resume reading the log where it stopped.</summary>
public static class CheckpointsApi
{
    /// <summary>Maps <c>/api/checkpoints/{consumer}</c>.</summary>
    public static IEndpointRouteBuilder MapCheckpointsApi(this IEndpointRouteBuilder routes)
    {
        RouteGroupBuilder group = routes.MapGroup("/api/checkpoints").WithTags("Log");
        group.MapGet("/{consumer}", GetAsync).RequireAuthorization(ApiKeyDefaults.ReaderPolicy)
            .WithSummary("The last offset the consumer recorded (0 when none).");
        group.MapPut("/{consumer}", SetAsync).RequireAuthorization(ApiKeyDefaults.WriterPolicy)
            .WithSummary("Record the consumer's progress; it never moves backwards unless 'force' is true.");
        return routes;
    }

    private static async Task<Ok<CheckpointOutput>> GetAsync(string consumer, HttpContext context, IMyelinStorage storage)
    {
        Principal caller = context.RequireMyelinPrincipal();
        long offset = await storage.Checkpoints.GetAsync(caller.Tenant, consumer, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(new CheckpointOutput(consumer, offset));
    }

    private static async Task<Ok<CheckpointOutput>> SetAsync(string consumer, CheckpointInput? input, HttpContext context, IMyelinStorage storage)
    {
        Principal caller = context.RequireMyelinPrincipal();
        if (input is null)
        {
            throw new MyelinValidationException("invalid_body", "Send a JSON object with 'offset' (and optionally 'force').");
        }

        await storage.Checkpoints.SetAsync(caller.Tenant, consumer, input.Offset, input.Force, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(new CheckpointOutput(consumer, input.Offset));
    }
}

/// <summary>Body of <c>PUT /api/checkpoints/{consumer}</c>.</summary>
/// <param name="Offset">The last processed offset.</param>
/// <param name="Force">Allow moving backwards (to rebuild from the log).</param>
public sealed record CheckpointInput(long Offset, bool Force = false);

/// <summary>A consumer's checkpoint.</summary>
/// <param name="Consumer">Consumer name.</param>
/// <param name="Offset">Last processed offset.</param>
public sealed record CheckpointOutput(string Consumer, long Offset);
