using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Myelin.Core;

namespace Myelin.Server.Mcp;

/// <summary>Builds the MCP server options of one session: server info, the tools capability and the memory tool handlers.</summary>
internal static class MemoryMcpServerOptions
{
    public const string Instructions =
        "Myelin long-term memory. Call 'recall' with the user's id and their message before answering to bring back what you "
        + "know about them; call 'remember' with the turns of the conversation after answering so it is learned. 'forget' "
        + "erases a user for good.";

    /// <summary>Options whose tools act as <paramref name="principal"/> (the session's API key, or the local operator on stdio).</summary>
    public static McpServerOptions Create(MemoryMcpTools tools, Principal principal) => new()
    {
        ServerInfo = new Implementation { Name = "myelin", Title = "Myelin memory", Version = ServerInfo.Version },
        ServerInstructions = Instructions,
        Capabilities = new ServerCapabilities { Tools = new ToolsCapability { ListChanged = false } },
        Handlers = new McpServerHandlers
        {
            ListToolsHandler = (_, _) => ValueTask.FromResult(new ListToolsResult { Tools = MemoryMcpToolDefinitions.All }),
            CallToolHandler = (request, cancellationToken) => tools.CallAsync(principal, request.Params!, cancellationToken),
        },
    };
}
