using Myelin.Core;
using Myelin.Memory;
using Myelin.Server.Auth;
using Myelin.Server.Endpoints;

namespace Myelin.Server.Dashboard;

/// <summary>The dashboard's memory browser: a tenant's users, one user's items by kind and state, and one item's history.</summary>
internal static class MemoryExplorer
{
    public const int MaxItems = 200;
    public const int MaxChain = 20;

    public static async Task<IResult> ListAsync(HttpContext context, MemoryRoom room)
    {
        if (context.User.GetMyelinPrincipal() is not { } caller)
        {
            return Results.Redirect("/login");
        }

        IQueryCollection query = context.Request.Query;
        var filters = new MemoryPage.Filters(query["user"].ToString(), query["kind"].ToString(), query["state"].ToString());
        IReadOnlyList<MemoryUser> users = await room.Store.ListUsersAsync(caller.Tenant, 1000, context.RequestAborted).ConfigureAwait(false);
        if (filters.User.Length == 0)
        {
            return Layout.Page("Memory", "memory", MemoryPage.Render(filters, users, null, null));
        }

        try
        {
            if (!MemoryScope.IsValidId(filters.User))
            {
                throw new MyelinValidationException("invalid_memory_scope", "The user id must be 1-128 characters without control characters.");
            }

            var filter = new MemoryFilter
            {
                UserId = filters.User,
                Kinds = filters.Kind.Length == 0 ? null : [MemoryOperations.ParseKind(filters.Kind)],
                Superseded = MemoryApi.ParseState(filters.State),
                Limit = MaxItems,
            };
            IReadOnlyList<MemoryItem> items = await room.Store.ListAsync(caller.Tenant, filter, context.RequestAborted).ConfigureAwait(false);
            return Layout.Page("Memory", "memory", MemoryPage.Render(filters, users, items, null));
        }
        catch (MyelinValidationException ex)
        {
            return Layout.Page("Memory", "memory", MemoryPage.Render(filters, users, null, ex.Message), StatusCodes.Status400BadRequest);
        }
    }

    public static async Task<IResult> ItemAsync(string id, HttpContext context, MemoryRoom room)
    {
        if (context.User.GetMyelinPrincipal() is not { } caller)
        {
            return Results.Redirect("/login");
        }

        MemoryItem? item = await room.Store.GetAsync(caller.Tenant, id, context.RequestAborted).ConfigureAwait(false);
        if (item is null)
        {
            return Layout.Page(
                "Memory item", "memory",
                "<div class=\"error\" role=\"alert\">" + Layout.Encode($"Memory item '{id}' does not exist in this tenant.") + "</div>",
                StatusCodes.Status404NotFound);
        }

        IReadOnlyList<MemoryHistoryEntry> history = await room.Store.GetHistoryAsync(caller.Tenant, id, context.RequestAborted).ConfigureAwait(false);
        IReadOnlyList<MemoryItem> chain = item.Kind == MemoryKind.Episode
            ? [item]
            : await ChainAsync(room, caller.Tenant, item, context.RequestAborted).ConfigureAwait(false);
        return Layout.Page("Memory item", "memory", MemoryItemPage.Render(item, history, chain));
    }

    /// <summary>The versions of an item, oldest first: back through <c>Supersedes</c>, forward through <c>SupersededBy</c>.</summary>
    private static async Task<IReadOnlyList<MemoryItem>> ChainAsync(MemoryRoom room, TenantId tenant, MemoryItem item, CancellationToken cancellationToken)
    {
        var older = new List<MemoryItem>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { item.Id };
        for (MemoryItem current = item; older.Count < MaxChain && current.Supersedes is { } previous && seen.Add(previous);)
        {
            MemoryItem? found = await room.Store.GetAsync(tenant, previous, cancellationToken).ConfigureAwait(false);
            if (found is null)
            {
                break;
            }

            older.Add(found);
            current = found;
        }

        older.Reverse();
        older.Add(item);
        for (MemoryItem current = item; older.Count < 2 * MaxChain && current.SupersededBy is { } next && seen.Add(next);)
        {
            MemoryItem? found = await room.Store.GetAsync(tenant, next, cancellationToken).ConfigureAwait(false);
            if (found is null)
            {
                break;
            }

            older.Add(found);
            current = found;
        }

        return older;
    }
}
