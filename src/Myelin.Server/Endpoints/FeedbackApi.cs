using Microsoft.AspNetCore.Http.HttpResults;
using Myelin.Core;
using Myelin.Evals.Monitoring;
using Myelin.Evals.Traces;
using Myelin.Server.Auth;

namespace Myelin.Server.Endpoints;

/// <summary>
/// Human feedback and evaluation results on traces: <c>POST|GET /api/traces/{traceId}/feedback</c>,
/// <c>GET /api/traces/{traceId}/results</c>, and judge-vs-human agreement <c>GET /api/agreement?evaluator=</c>.
/// </summary>
public static class FeedbackApi
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapFeedbackApi(this IEndpointRouteBuilder routes)
    {
        RouteGroupBuilder read = routes.MapGroup("/api").WithTags("Feedback").RequireAuthorization(ApiKeyDefaults.ReaderPolicy);
        read.MapGet("/traces/{traceId}/feedback", ListAsync).ProducesProblem(StatusCodes.Status400BadRequest).WithSummary("A trace's feedback, oldest first.");
        read.MapGet("/traces/{traceId}/results", ResultsAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Scores and detector verdicts monitors stored for a trace.");
        read.MapGet("/agreement", AgreementAsync)
            .WithSummary("Cohen's kappa between each evaluator's trace labels and the latest human label per trace; ?evaluator= for one.");

        RouteGroupBuilder write = routes.MapGroup("/api").WithTags("Feedback").RequireAuthorization(ApiKeyDefaults.WriterPolicy);
        write.MapPost("/traces/{traceId}/feedback", AddAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Attach feedback {spanId, thumbs, score, label, comment, evaluator} to a trace or one of its spans.");
        return routes;
    }

    /// <summary>Lower-cases and checks a trace id from the path.</summary>
    /// <exception cref="MyelinValidationException">Not 32 hex characters.</exception>
    public static string TraceId(string traceId)
    {
        ArgumentNullException.ThrowIfNull(traceId);
        return traceId.Length == 32 && traceId.All(char.IsAsciiHexDigit)
            ? traceId.ToLowerInvariant()
            : throw new MyelinValidationException("invalid_trace_id", $"'{traceId}' is not a trace id: use 32 hex characters.");
    }

    private static async Task<Created<Feedback>> AddAsync(string traceId, FeedbackInput? input, HttpContext context, IMonitorStore store)
    {
        Principal principal = context.RequireMyelinPrincipal();
        if (input is null)
        {
            throw new MyelinValidationException("invalid_feedback", "Send feedback as JSON: {thumbs, score, label, comment, evaluator, spanId}.");
        }

        string id = TraceId(traceId);
        var feedback = new Feedback
        {
            TraceId = id,
            SpanId = input.SpanId?.ToLowerInvariant(),
            Thumbs = input.Thumbs,
            Score = input.Score,
            Label = input.Label,
            Comment = input.Comment,
            Evaluator = input.Evaluator,
            Author = principal.KeyId,
        };
        Feedback stored = await store.AddFeedbackAsync(principal.Tenant, feedback, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Created("/api/traces/" + id + "/feedback", stored);
    }

    private static async Task<Ok<Feedback[]>> ListAsync(string traceId, HttpContext context, IMonitorStore store)
    {
        Principal principal = context.RequireMyelinPrincipal();
        return TypedResults.Ok((await store.ListFeedbackAsync(principal.Tenant, TraceId(traceId), context.RequestAborted).ConfigureAwait(false)).ToArray());
    }

    private static async Task<Ok<TraceResultOutput[]>> ResultsAsync(string traceId, HttpContext context, ITraceIndexStore traces)
    {
        Principal principal = context.RequireMyelinPrincipal();
        IReadOnlyList<TraceResult> results = await traces.GetResultsAsync(principal.Tenant, TraceId(traceId), context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(results.Select(TraceResultOutput.From).ToArray());
    }

    private static async Task<Ok<EvaluatorAgreementOutput[]>> AgreementAsync(
        string? evaluator, HttpContext context, IMonitorStore store, ITraceIndexStore traces)
    {
        Principal principal = context.RequireMyelinPrincipal();
        IReadOnlyList<EvaluatorAgreement> report = await EvaluatorAgreement.ComputeAsync(
            store, traces, principal.Tenant, string.IsNullOrWhiteSpace(evaluator) ? null : evaluator, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(report
            .Select(a => new EvaluatorAgreementOutput(
                a.Evaluator, a.HumanLabels, a.Agreement.Pairs, a.Agreement.Observed, a.Agreement.Expected, a.Agreement.Kappa, a.Agreement.Labels))
            .ToArray());
    }
}
