using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Myelin.Core.Log;
using Myelin.Core.Storage;
using Myelin.Server.Auth;

namespace Myelin.Server.Endpoints;

/// <summary>The experience log over HTTP: <c>POST /api/log</c> appends, <c>GET /api/log</c> reads.</summary>
public static class LogApi
{
    /// <summary>Maps the log endpoints.</summary>
    public static IEndpointRouteBuilder MapLogApi(this IEndpointRouteBuilder routes)
    {
        RouteGroupBuilder group = routes.MapGroup("/api/log").WithTags("Log");

        group.MapPost("/", AppendAsync)
            .RequireAuthorization(ApiKeyDefaults.WriterPolicy)
            .Accepts<LogRecordInput[]>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithSummary("Append records (a JSON array); answers with their offsets. Records with a seen idempotency key are stored once.");

        group.MapGet("/", QueryAsync)
            .RequireAuthorization(ApiKeyDefaults.ReaderPolicy)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Read records: after/before offset, kind, from/to, traceId, sessionId, episodeId, limit, order=asc|desc.");
        return routes;
    }

    private static async Task<Ok<LogAppendResponse>> AppendAsync(HttpContext context, IMyelinStorage storage)
    {
        var principal = context.RequireMyelinPrincipal();
        List<NewExperienceRecord> records = await LogRequestReader.ReadAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        IReadOnlyList<AppendResult> results = await storage.Log.AppendAsync(principal.Tenant, records, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(new LogAppendResponse([.. results.Select(r => new LogAppendItem(r.Offset, r.Duplicate))]));
    }

    private static async Task<Ok<LogPage>> QueryAsync(HttpContext context, IMyelinStorage storage)
    {
        var principal = context.RequireMyelinPrincipal();
        LogQuery query = LogQueryParser.Parse(context.Request.Query);
        IReadOnlyList<ExperienceRecord> records = await storage.Log.QueryAsync(principal.Tenant, query, context.RequestAborted).ConfigureAwait(false);
        long? next = records.Count == query.Limit ? records[^1].Offset : null;
        return TypedResults.Ok(new LogPage([.. records.Select(ToOutput)], next));
    }

    /// <summary>Converts a stored record to its wire form.</summary>
    public static LogRecordOutput ToOutput(ExperienceRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        using var payload = JsonDocument.Parse(record.PayloadJson);
        return new LogRecordOutput(
            record.Offset,
            record.Kind,
            record.Timestamp,
            record.RecordedAt,
            record.TraceId,
            record.SessionId,
            record.EpisodeId,
            record.IdempotencyKey,
            payload.RootElement.Clone());
    }
}
