using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;
using Myelin.Core;
using Myelin.Core.Storage;
using Myelin.Hosting;
using Myelin.Memory;
using Myelin.Server.Endpoints;

namespace Myelin.Server.Mcp;

/// <summary>
/// Serves the memory tools over MCP's stdio transport against a data directory, without a web server: what
/// <c>myelin mcp</c> runs for a client that launches it (Claude Desktop and other local MCP clients).
/// </summary>
/// <remarks>
/// There is no API key on stdio: whoever can start the process can read the data directory, so the caller names the
/// tenant and the role the tools act with. The output stream carries only protocol messages; log through
/// <c>loggerFactory</c> to somewhere else (stderr). The memory index lives in this process, so point it at a data
/// directory that no running server writes memories to at the same time.
/// </remarks>
public static class MemoryMcpStdio
{
    /// <summary>Runs until the client closes <paramref name="input"/> or <paramref name="cancellationToken"/> fires.</summary>
    /// <param name="options">Storage settings: the data directory (memory in <c>{data}/memory.db</c>), or PostgreSQL for the log and memory.</param>
    /// <param name="tenant">The tenant whose memories the tools read and write; it must exist.</param>
    /// <param name="role">What the tools may do: <see cref="Role.Reader"/> recalls, <see cref="Role.Writer"/> also remembers,
    /// <see cref="Role.Admin"/> also forgets.</param>
    /// <param name="input">The client's messages (the process's stdin).</param>
    /// <param name="output">Where answers go (the process's stdout).</param>
    /// <param name="loggerFactory">Logging for the memory room and the MCP SDK.</param>
    /// <param name="cancellationToken">Stops serving.</param>
    public static async Task RunAsync(
        MyelinOptions options, TenantId tenant, Role role, Stream input, Stream output, ILoggerFactory loggerFactory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ValidateOptionsResult validation = new MyelinOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new MyelinValidationException("invalid_options", validation.FailureMessage);
        }

        if (!Enum.IsDefined(role))
        {
            throw new MyelinValidationException("invalid_role", $"Role '{role}' is invalid: use Reader, Writer or Admin.");
        }

        IMyelinStorage storage = await MyelinStorageFactory.OpenAsync(options, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        await using (storage.ConfigureAwait(false))
        {
            if (await storage.Tenants.GetAsync(tenant, cancellationToken).ConfigureAwait(false) is null)
            {
                throw new MyelinNotFoundException(
                    "tenant_not_found", $"Tenant '{tenant.Value}' does not exist in this data directory; create it through the server first.");
            }

            IMemoryStore memory = await MyelinMemoryStoreFactory.OpenAsync(options, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            try
            {
                MemoryRoom room = MemoryRoom.Open(memory, storage.Log, TimeProvider.System, loggerFactory);
                await using (room.ConfigureAwait(false))
                {
                    var tools = new MemoryMcpTools(room, storage, TimeProvider.System);
                    var principal = new Principal(tenant, role, "mcp-stdio");
                    var transport = new StreamServerTransport(input, output, "myelin", loggerFactory);
                    await using (transport.ConfigureAwait(false))
                    {
                        McpServer server = McpServer.Create(transport, MemoryMcpServerOptions.Create(tools, principal), loggerFactory);
                        await using (server.ConfigureAwait(false))
                        {
                            await server.RunAsync(cancellationToken).ConfigureAwait(false);
                        }
                    }
                }
            }
            finally
            {
                if (memory is IAsyncDisposable disposable)
                {
                    await disposable.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }
}
