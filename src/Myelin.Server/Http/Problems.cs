using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace Myelin.Server.Http;

/// <summary>Writes RFC 9457 problem+json responses with a stable <c>code</c> extension.</summary>
public static class Problems
{
    /// <summary>The media type of problem responses.</summary>
    public const string ContentType = "application/problem+json";

    /// <summary>A problem as a minimal-API result.</summary>
    public static IResult Result(int status, string code, string detail) =>
        TypedResults.Problem(Create(status, code, detail, instance: null));

    /// <summary>Writes a problem directly to the response (for middleware and handlers).</summary>
    public static async Task WriteAsync(HttpContext context, int status, string code, string detail)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        ProblemDetails problem = Create(status, code, detail, context.Request.Path);
        if (context.Request.Path.StartsWithSegments("/v1/chat") || context.Request.Path.StartsWithSegments("/v1/completions")
            || context.Request.Path.StartsWithSegments("/v1/models"))
        {
            // OpenAI SDKs read errors from an "error" object; the problem document carries one for them.
            problem.Extensions["error"] = new OpenAiError(detail, OpenAiErrorType(status), code);
        }

        await JsonSerializer.SerializeAsync(context.Response.Body, problem, ServerJsonContext.Default.ProblemDetails, context.RequestAborted)
            .ConfigureAwait(false);
    }

    /// <summary>Creates the problem object.</summary>
    public static ProblemDetails Create(int status, string code, string detail, string? instance)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Type = "urn:myelin:problem:" + code,
            Title = TitleFor(status),
            Detail = detail,
            Instance = instance,
        };
        problem.Extensions["code"] = code;
        return problem;
    }

    private static string OpenAiErrorType(int status) => status switch
    {
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        429 => "rate_limit_error",
        < 500 => "invalid_request_error",
        _ => "server_error",
    };

    private static string TitleFor(int status) => status switch
    {
        400 => "Bad request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not found",
        409 => "Conflict",
        413 => "Request too large",
        415 => "Unsupported media type",
        429 => "Too many requests",
        503 => "Service unavailable",
        _ => "Error",
    };
}

/// <summary>The <c>error</c> object OpenAI clients expect inside an error response.</summary>
/// <param name="Message">What went wrong.</param>
/// <param name="Type">OpenAI's error category.</param>
/// <param name="Code">Myelin's stable error code.</param>
public sealed record OpenAiError(string Message, string Type, string Code);
