using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Myelin.Core;
using Myelin.Core.Storage;
using Myelin.Server.Auth;
using Myelin.Server.Endpoints;

namespace Myelin.Server.Mcp;

/// <summary>
/// The memory tools over MCP's streamable HTTP transport (spec 2025-06-18) at <c>/mcp</c>: <c>POST</c> carries one
/// JSON-RPC message and answers with an SSE stream (or 202 for notifications), <c>DELETE</c> ends the session, <c>GET</c>
/// (a server-initiated stream) is 405 because the memory tools never send unsolicited messages.
/// </summary>
/// <remarks>
/// Authentication is the server's API keys (<c>Authorization: Bearer</c>); a missing or bad key is a 401 problem+json
/// like everywhere else. An <c>initialize</c> request opens a session (<c>Mcp-Session-Id</c>) bound to its key: another
/// key, even of the same tenant, gets 404 for it. Transport errors after authentication are JSON-RPC error bodies with
/// the HTTP status the spec names, so MCP clients can read them.
/// </remarks>
public static class McpApi
{
    /// <summary>The protocol versions of the <c>initialize</c> handshake this endpoint serves.</summary>
    public static IReadOnlyList<string> ProtocolVersions { get; } = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"];

    private const string SessionHeader = "Mcp-Session-Id";
    private const string VersionHeader = "MCP-Protocol-Version";

    /// <summary>Registers the session store and the shared tools.</summary>
    public static IServiceCollection AddMcp(this IServiceCollection services)
    {
        services.AddSingleton(sp => new McpSessionStore(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(sp => new MemoryMcpTools(
            sp.GetRequiredService<MemoryRoom>(), sp.GetRequiredService<IMyelinStorage>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>Maps <c>POST</c>, <c>GET</c> and <c>DELETE</c> on <c>/mcp</c>.</summary>
    public static IEndpointRouteBuilder MapMcpApi(this IEndpointRouteBuilder routes)
    {
        RouteGroupBuilder group = routes.MapGroup("/mcp").WithTags("MCP").RequireAuthorization(ApiKeyDefaults.ReaderPolicy);
        group.MapPost("", PostAsync).WithSummary("One MCP JSON-RPC message (streamable HTTP); the answer streams back as SSE.");
        group.MapGet("", GetAsync).WithSummary("405: this server sends no unsolicited messages.");
        group.MapDelete("", DeleteAsync).WithSummary("Ends the MCP session named by Mcp-Session-Id.");
        return routes;
    }

    private static async Task PostAsync(HttpContext context, McpSessionStore sessions, MemoryMcpTools tools, ILoggerFactory loggerFactory)
    {
        Principal principal = context.RequireMyelinPrincipal();
        if (!AcceptsJsonAndEventStream(context.Request))
        {
            await WriteErrorAsync(context, StatusCodes.Status406NotAcceptable, McpErrorCode.InvalidRequest,
                "Not acceptable: send 'Accept: application/json, text/event-stream'.").ConfigureAwait(false);
            return;
        }

        if (!context.Request.HasJsonContentType())
        {
            await WriteErrorAsync(context, StatusCodes.Status415UnsupportedMediaType, McpErrorCode.InvalidRequest,
                "Send the JSON-RPC message as 'Content-Type: application/json'.").ConfigureAwait(false);
            return;
        }

        JsonRpcMessage? message;
        try
        {
            message = await JsonSerializer.DeserializeAsync(
                context.Request.Body, McpJsonUtilities.DefaultOptions.GetTypeInfo<JsonRpcMessage>(), context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            message = null;
        }

        if (message is null)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, McpErrorCode.ParseError,
                "The body is not one JSON-RPC message (batches are not part of MCP 2025-06-18).").ConfigureAwait(false);
            return;
        }

        RequestId requestId = message is JsonRpcRequest request ? request.Id : default;
        string version = context.Request.Headers[VersionHeader].ToString();
        if (version.Length > 0 && !ProtocolVersions.Contains(version))
        {
            await WriteUnsupportedVersionAsync(context, version, requestId).ConfigureAwait(false);
            return;
        }

        McpHttpSession? session = await FindOrOpenSessionAsync(context, principal, message, requestId, sessions, tools, loggerFactory)
            .ConfigureAwait(false);
        if (session is null)
        {
            return;
        }

        message.Context ??= new JsonRpcMessageContext();
        message.Context.User = context.User;
        if (version.Length > 0)
        {
            message.Context.ProtocolVersion = version;
        }

        using McpHttpSession.Lease lease = session.Use(sessions.Time);
        context.Response.Headers[SessionHeader] = session.Id;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache,no-store";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        bool answered = await session.Transport.HandlePostRequestAsync(message, context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        if (!answered)
        {
            // A notification or a response from the client: accepted, nothing to stream back.
            context.Response.ContentType = null;
            context.Response.StatusCode = StatusCodes.Status202Accepted;
        }
    }

    private static async Task<McpHttpSession?> FindOrOpenSessionAsync(
        HttpContext context, Principal principal, JsonRpcMessage message, RequestId requestId, McpSessionStore sessions, MemoryMcpTools tools,
        ILoggerFactory loggerFactory)
    {
        string id = context.Request.Headers[SessionHeader].ToString();
        if (id.Length > 0)
        {
            McpHttpSession? session = sessions.Find(id, principal);
            if (session is null)
            {
                // 404 tells the client to start over with initialize (spec 2025-06-18, session management).
                await WriteErrorAsync(context, StatusCodes.Status404NotFound, McpErrorCode.InvalidRequest,
                    "No such MCP session for this API key; send a new initialize request.", requestId).ConfigureAwait(false);
            }

            return session;
        }

        if (message is not JsonRpcRequest { Method: RequestMethods.Initialize })
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, McpErrorCode.InvalidRequest,
                "Send the Mcp-Session-Id header from the initialize response; only an initialize request opens a session.", requestId)
                .ConfigureAwait(false);
            return null;
        }

        return await sessions.OpenAsync(
            principal,
            // No service provider: the tools need none, and the request's scope ends before the session does.
            transport => McpServer.Create(transport, MemoryMcpServerOptions.Create(tools, principal), loggerFactory))
            .ConfigureAwait(false);
    }

    private static async Task GetAsync(HttpContext context)
    {
        context.Response.Headers.Allow = "POST, DELETE";
        await WriteErrorAsync(context, StatusCodes.Status405MethodNotAllowed, McpErrorCode.InvalidRequest,
            "This server sends no unsolicited messages: there is no event stream to GET.").ConfigureAwait(false);
    }

    private static async Task DeleteAsync(HttpContext context, McpSessionStore sessions)
    {
        Principal principal = context.RequireMyelinPrincipal();
        string id = context.Request.Headers[SessionHeader].ToString();
        if (id.Length == 0)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, McpErrorCode.InvalidRequest,
                "Name the session to end in the Mcp-Session-Id header.").ConfigureAwait(false);
            return;
        }

        if (!await sessions.CloseAsync(id, principal).ConfigureAwait(false))
        {
            await WriteErrorAsync(context, StatusCodes.Status404NotFound, McpErrorCode.InvalidRequest,
                "No such MCP session for this API key.").ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static bool AcceptsJsonAndEventStream(HttpRequest request)
    {
        bool json = false, events = false;
        foreach (Microsoft.Net.Http.Headers.MediaTypeHeaderValue accept in request.GetTypedHeaders().Accept)
        {
            json |= accept.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                || accept.MediaType.Equals("application/*", StringComparison.OrdinalIgnoreCase) || accept.MatchesAllTypes;
            events |= accept.MediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase)
                || accept.MediaType.Equals("text/*", StringComparison.OrdinalIgnoreCase) || accept.MatchesAllTypes;
        }

        return json && events;
    }

    private static Task WriteUnsupportedVersionAsync(HttpContext context, string requested, RequestId requestId)
    {
        // -32022 with the supported list (SEP-2575) lets a client that probed a newer revision fall back to initialize.
        var data = new UnsupportedProtocolVersionErrorData { Requested = requested, Supported = [.. ProtocolVersions] };
        return WriteErrorAsync(
            context,
            StatusCodes.Status400BadRequest,
            McpErrorCode.UnsupportedProtocolVersion,
            $"MCP-Protocol-Version '{requested}' is not supported: use {string.Join(", ", ProtocolVersions)} with an initialize request.",
            requestId,
            JsonSerializer.SerializeToNode(data, McpJsonUtilities.DefaultOptions.GetTypeInfo<UnsupportedProtocolVersionErrorData>()));
    }

    private static async Task WriteErrorAsync(
        HttpContext context, int status, McpErrorCode code, string message, RequestId requestId = default, System.Text.Json.Nodes.JsonNode? data = null)
    {
        var error = new JsonRpcError { Id = requestId, Error = new JsonRpcErrorDetail { Code = (int)code, Message = message, Data = data } };
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(
            context.Response.Body, error, McpJsonUtilities.DefaultOptions.GetTypeInfo<JsonRpcError>(), context.RequestAborted).ConfigureAwait(false);
    }
}
