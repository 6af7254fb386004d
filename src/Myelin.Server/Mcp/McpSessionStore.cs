using System.Collections.Concurrent;
using System.Security.Cryptography;
using ModelContextProtocol.Server;
using Myelin.Core;

namespace Myelin.Server.Mcp;

/// <summary>
/// The open streamable HTTP sessions of this server. Sessions idle for <see cref="IdleTimeout"/> are closed, and a tenant
/// holds at most <see cref="MaxSessionsPerTenant"/>: opening one more closes its least recently used idle session, so no
/// tenant can crowd out another. Disposed with the app, which closes every session.
/// </summary>
internal sealed class McpSessionStore(TimeProvider time, ILoggerFactory loggerFactory) : IAsyncDisposable
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(30);
    public const int MaxSessionsPerTenant = 100;

    private readonly ConcurrentDictionary<string, McpHttpSession> _sessions = new(StringComparer.Ordinal);

    public TimeProvider Time => time;

    public int Count => _sessions.Count;

    public async Task<McpHttpSession> OpenAsync(Principal owner, Func<StreamableHttpServerTransport, McpServer> createServer)
    {
        await CloseIdleAsync(owner.Tenant).ConfigureAwait(false);
        string id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
#pragma warning disable MCP9006 // Stateful sessions are what the 2025-06-18 streamable HTTP transport specifies; the SDK marks them obsolete for 2026-07-28.
        var transport = new StreamableHttpServerTransport(loggerFactory) { SessionId = id };
#pragma warning restore MCP9006
        var session = new McpHttpSession(id, owner, transport, createServer(transport), time);
        _sessions[id] = session;
        return session;
    }

    /// <summary>The session with this id if <paramref name="caller"/> opened it (same API key); null otherwise.</summary>
    public McpHttpSession? Find(string id, Principal caller) =>
        _sessions.TryGetValue(id, out McpHttpSession? session) && session.Owner.KeyId == caller.KeyId ? session : null;

    public async Task<bool> CloseAsync(string id, Principal caller)
    {
        if (Find(id, caller) is null || !_sessions.TryRemove(id, out McpHttpSession? session))
        {
            return false;
        }

        await session.DisposeAsync().ConfigureAwait(false);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (string id in _sessions.Keys)
        {
            if (_sessions.TryRemove(id, out McpHttpSession? session))
            {
                await session.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task CloseIdleAsync(TenantId tenant)
    {
        DateTimeOffset cutoff = time.GetUtcNow() - IdleTimeout;
        List<McpHttpSession> tenantSessions = [];
        foreach (McpHttpSession session in _sessions.Values)
        {
            if (!session.IsActive && session.LastUsed < cutoff)
            {
                await RemoveAsync(session).ConfigureAwait(false);
            }
            else if (session.Owner.Tenant == tenant)
            {
                tenantSessions.Add(session);
            }
        }

        foreach (McpHttpSession session in tenantSessions.Where(s => !s.IsActive).OrderBy(s => s.LastUsed)
            .Take(Math.Max(0, tenantSessions.Count - MaxSessionsPerTenant + 1)))
        {
            await RemoveAsync(session).ConfigureAwait(false);
        }
    }

    private async Task RemoveAsync(McpHttpSession session)
    {
        if (_sessions.TryRemove(new KeyValuePair<string, McpHttpSession>(session.Id, session)))
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }
    }
}
