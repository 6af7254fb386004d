using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Server;
using Myelin.Core;
using Myelin.TestUtilities;

namespace Myelin.Server.Mcp;

/// <summary>Session lifetime of <c>/mcp</c>: owner binding, idle expiry and the per-tenant cap, on a manual clock.</summary>
public sealed class McpSessionStoreTests
{
    private static readonly Principal s_alice = new(new TenantId("tenant-a"), Role.Writer, "key-alice");
    private static readonly Principal s_alicesReader = new(new TenantId("tenant-a"), Role.Reader, "key-reader");
    private static readonly Principal s_bob = new(new TenantId("tenant-b"), Role.Writer, "key-bob");

    [Fact]
    public async Task A_session_is_found_and_closed_only_with_the_key_that_opened_it()
    {
        await using var store = new McpSessionStore(new ManualTimeProvider(DateTimeOffset.UnixEpoch), NullLoggerFactory.Instance);
        McpHttpSession session = await store.OpenAsync(s_alice, CreateServer);

        Assert.Same(session, store.Find(session.Id, s_alice));
        Assert.Null(store.Find(session.Id, s_alicesReader));
        Assert.Null(store.Find(session.Id, s_bob));
        Assert.False(await store.CloseAsync(session.Id, s_bob));
        Assert.True(await store.CloseAsync(session.Id, s_alice));
        Assert.Null(store.Find(session.Id, s_alice));
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task Idle_sessions_close_when_the_next_one_opens_but_busy_ones_stay()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        await using var store = new McpSessionStore(time, NullLoggerFactory.Instance);
        McpHttpSession idle = await store.OpenAsync(s_alice, CreateServer);
        McpHttpSession busy = await store.OpenAsync(s_bob, CreateServer);
        using (busy.Use(time))
        {
            time.Advance(McpSessionStore.IdleTimeout + TimeSpan.FromSeconds(1));
            await store.OpenAsync(s_bob, CreateServer);
        }

        Assert.Null(store.Find(idle.Id, s_alice));
        Assert.Same(busy, store.Find(busy.Id, s_bob));
        Assert.Equal(2, store.Count);
    }

    [Fact]
    public async Task A_tenant_at_its_cap_loses_its_least_recently_used_session_and_no_other_tenant_does()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        await using var store = new McpSessionStore(time, NullLoggerFactory.Instance);
        McpHttpSession other = await store.OpenAsync(s_bob, CreateServer);
        var sessions = new List<McpHttpSession>();
        for (int i = 0; i < McpSessionStore.MaxSessionsPerTenant; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            sessions.Add(await store.OpenAsync(s_alice, CreateServer));
        }

        // Using the oldest makes the second oldest the least recently used.
        time.Advance(TimeSpan.FromSeconds(1));
        sessions[0].Use(time).Dispose();
        time.Advance(TimeSpan.FromSeconds(1));
        McpHttpSession newest = await store.OpenAsync(s_alice, CreateServer);

        Assert.Equal(McpSessionStore.MaxSessionsPerTenant + 1, store.Count);
        Assert.Null(store.Find(sessions[1].Id, s_alice));
        Assert.NotNull(store.Find(sessions[0].Id, s_alice));
        Assert.NotNull(store.Find(newest.Id, s_alice));
        Assert.NotNull(store.Find(other.Id, s_bob));
    }

    private static McpServer CreateServer(StreamableHttpServerTransport transport) =>
        McpServer.Create(transport, new McpServerOptions(), NullLoggerFactory.Instance);
}
