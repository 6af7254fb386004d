using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Myelin.Core;
using Myelin.Inference.Scheduling;

namespace Myelin.Server.Http;

/// <summary>Turns exceptions into problem+json: user errors become specific 4xx responses, anything else a 500 without internals.</summary>
internal sealed partial class MyelinExceptionHandler(ILogger<MyelinExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is SchedulerFullException full)
        {
            httpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(full.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        (int status, string code, string detail) = exception switch
        {
            MyelinValidationException e => (StatusCodes.Status400BadRequest, e.Code, e.Message),
            MyelinNotFoundException e => (StatusCodes.Status404NotFound, e.Code, e.Message),
            MyelinConflictException e => (StatusCodes.Status409Conflict, e.Code, e.Message),
            MyelinForbiddenException e => (StatusCodes.Status403Forbidden, e.Code, e.Message),
            SchedulerFullException e => (StatusCodes.Status503ServiceUnavailable, "queue_full", e.Message),
            BadHttpRequestException e when e.StatusCode == StatusCodes.Status413PayloadTooLarge =>
                (e.StatusCode, "body_too_large", "The request body exceeds the server's size limit."),
            BadHttpRequestException e => (e.StatusCode, "bad_request", e.Message),
            JsonException e => (StatusCodes.Status400BadRequest, "invalid_json", "The request body is not valid JSON: " + e.Message),
            _ => (StatusCodes.Status500InternalServerError, "internal_error", "The server failed to process the request; see the server log."),
        };

        if (status >= 500)
        {
            LogUnhandled(logger, httpContext.Request.Method, httpContext.Request.Path, exception);
        }

        await Problems.WriteAsync(httpContext, status, code, detail).ConfigureAwait(false);
        return true;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string method, string path, Exception exception);
}
