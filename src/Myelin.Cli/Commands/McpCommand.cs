using System.CommandLine;
using Microsoft.Extensions.Logging;
using Myelin.Core;
using Myelin.Hosting;
using Myelin.Server.Mcp;

namespace Myelin.Cli.Commands;

/// <summary><c>myelin mcp</c>: the memory tools (remember, recall, forget) over MCP's stdio transport, for local MCP clients.</summary>
internal static class McpCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data")
        {
            Description = "Data directory (as for 'serve'); memories live in <data>/memory.db.",
            DefaultValueFactory = _ => ".myelin",
        };
        var postgres = new Option<string?>("--postgres")
        {
            Description = "Use PostgreSQL at this connection string for the log and memories, as 'serve --postgres' does.",
        };
        var tenant = new Option<string>("--tenant")
        {
            Description = "The tenant whose memories the tools use (it must exist).",
            DefaultValueFactory = _ => TenantId.Default.Value,
        };
        var role = new Option<string>("--role")
        {
            Description = "What the tools may do: reader (recall), writer (also remember) or admin (also forget).",
            DefaultValueFactory = _ => "admin",
        };
        var verbose = new Option<bool>("--verbose") { Description = "Log at Information level (to stderr) instead of Warning." };
        var command = new Command("mcp", "Serve the memory tools over MCP on stdin/stdout (logs go to stderr).")
        {
            data, postgres, tenant, role, verbose,
        };
        command.SetAction((result, cancellationToken) => RunAsync(
            result.GetValue(data)!, result.GetValue(postgres), result.GetValue(tenant)!, result.GetValue(role)!, result.GetValue(verbose), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string data, string? postgres, string tenant, string role, bool verbose, CancellationToken cancellationToken)
    {
        var tenantId = new TenantId(tenant);
        Role parsedRole = role.ToLowerInvariant() switch
        {
            "reader" => Role.Reader,
            "writer" => Role.Writer,
            "admin" => Role.Admin,
            _ => throw new MyelinValidationException("invalid_role", $"--role must be reader, writer or admin, not '{role}'."),
        };
        var options = new MyelinOptions { DataDirectory = data, PostgresConnectionString = postgres };

        // stdout is the protocol: every log line goes to stderr.
        using ILoggerFactory loggerFactory = LoggerFactory.Create(logging => logging
            .SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning)
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
        await using Stream input = Console.OpenStandardInput();
        await using Stream output = Console.OpenStandardOutput();
        await MemoryMcpStdio.RunAsync(options, tenantId, parsedRole, input, output, loggerFactory, cancellationToken);
        return 0;
    }
}
