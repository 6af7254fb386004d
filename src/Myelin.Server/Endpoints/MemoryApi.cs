using Microsoft.AspNetCore.Http.HttpResults;
using Myelin.Core;
using Myelin.Core.Storage;
using Myelin.Memory;
using Myelin.Server.Auth;

namespace Myelin.Server.Endpoints;

/// <summary>
/// Long-term memory: <c>POST /api/memory/turns</c> (remember), <c>POST /api/memory/recall</c>,
/// <c>GET /api/memory/users/{userId}/items</c> (list), <c>GET /api/memory/items/{id}</c> (item and history),
/// <c>GET /api/memory/quarantine</c>, <c>DELETE /api/memory/users/{userId}</c> (forget a user),
/// <c>POST /api/memory/context</c> (assemble a context in a token budget), <c>GET /api/memory/users</c>.
/// </summary>
/// <remarks>The tenant always comes from the API key. Reading needs a reader key, remembering a writer key, forgetting
/// an admin key; forgetting appends an audit record (with a hash of the user id) to the tenant's log.</remarks>
public static partial class MemoryApi
{
    /// <summary>Registers the memory room over <paramref name="store"/> and its JSON metadata. The container owns the
    /// store: it is disposed with the app, after the room.</summary>
    public static IServiceCollection AddMemory(this IServiceCollection services, IMemoryStore store)
    {
        services.AddSingleton(_ => store);
        services.AddSingleton(sp => MemoryRoom.Open(
            sp.GetRequiredService<IMemoryStore>(),
            sp.GetRequiredService<IMyelinStorage>().Log,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Add(MemoryJsonContext.Default));
        return services;
    }

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapMemoryApi(this IEndpointRouteBuilder routes)
    {
        RouteGroupBuilder read = routes.MapGroup("/api/memory").WithTags("Memory").RequireAuthorization(ApiKeyDefaults.ReaderPolicy);
        RouteGroupBuilder write = routes.MapGroup("/api/memory").WithTags("Memory").RequireAuthorization(ApiKeyDefaults.WriterPolicy);
        RouteGroupBuilder admin = routes.MapGroup("/api/memory").WithTags("Memory").RequireAuthorization(ApiKeyDefaults.AdminPolicy);
        write.MapPost("/turns", RememberAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Remember turns: stored in the log and as episodes before the answer; extraction follows in the background.");
        read.MapPost("/recall", RecallAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Hybrid recall for one user: {userId, query, kinds, validAt, limit, ...}.");
        read.MapGet("/users/{userId}/items", ListAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("A user's items, newest first: ?kind=, ?state=current|superseded, ?validAt= (as of), ?knownAt=, ?limit= (default 100, at most 1000).");
        read.MapGet("/items/{id}", HistoryAsync)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One item and its history.");
        read.MapGet("/quarantine", QuarantineAsync)
            .WithSummary("Extractor outputs that stayed invalid: ?userId=, ?limit= (default 100).");
        read.MapPost("/context", ContextAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Assemble a context within a token budget: system prompt, recalled memories, a summary of older turns, recent turns; with a report of what was dropped and why.");
        read.MapGet("/users", UsersAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("The tenant's users that have memories, most recently active first: ?limit= (default 1000).");
        admin.MapDelete("/users/{userId}", ForgetAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Forget a user: removes items, index entries, vectors, history and quarantined outputs; an audit record remains.");
        return routes;
    }

    private static async Task<Ok<RememberTurnsResponse>> RememberAsync(RememberTurnsRequest request, HttpContext context, MemoryRoom room) =>
        TypedResults.Ok(await MemoryOperations.RememberAsync(room, context.RequireMyelinPrincipal(), request.Turns, context.RequestAborted)
            .ConfigureAwait(false));

    private static async Task<Ok<RecallOutput>> RecallAsync(RecallInput input, HttpContext context, MemoryRoom room) =>
        TypedResults.Ok(await MemoryOperations.RecallAsync(room, context.RequireMyelinPrincipal(), input, context.RequestAborted).ConfigureAwait(false));

    private static async Task<Ok<MemoryListOutput>> ListAsync(
        string userId, string? kind, string? state, DateTimeOffset? validAt, DateTimeOffset? knownAt, int? limit, HttpContext context, MemoryRoom room)
    {
        Principal principal = context.RequireMyelinPrincipal();
        if (!MemoryScope.IsValidId(userId) || limit is < 1 or > 1000)
        {
            throw new MyelinValidationException("invalid_memory_list", "Give a valid user id and a limit from 1 to 1000.");
        }

        var filter = new MemoryFilter
        {
            UserId = userId,
            Kinds = kind is null ? null : [MemoryOperations.ParseKind(kind)],
            ValidAt = validAt,
            KnownAt = knownAt,
            Superseded = ParseState(state),
            Limit = limit ?? 100,
        };
        IReadOnlyList<MemoryItem> items = await room.Store.ListAsync(principal.Tenant, filter, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(new MemoryListOutput([.. items.Select(MemoryOperations.ToOutput)]));
    }

    private static async Task<Ok<MemoryHistoryOutput>> HistoryAsync(string id, HttpContext context, MemoryRoom room)
    {
        Principal principal = context.RequireMyelinPrincipal();
        MemoryItem item = await room.Store.GetAsync(principal.Tenant, id, context.RequestAborted).ConfigureAwait(false)
            ?? throw new MyelinNotFoundException("memory_not_found", $"Memory item '{id}' does not exist in this tenant.");
        IReadOnlyList<MemoryHistoryEntry> history = await room.Store.GetHistoryAsync(principal.Tenant, id, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(new MemoryHistoryOutput(
            MemoryOperations.ToOutput(item),
            [.. history.Select(e => new MemoryHistoryEntryOutput(
                e.At, e.Action.ToString().ToLowerInvariant(), e.Text, e.ValidFrom, e.ValidTo, e.RelatedItemId, e.Reason))]));
    }

    private static async Task<Ok<QuarantineListOutput>> QuarantineAsync(string? userId, int? limit, HttpContext context, MemoryRoom room)
    {
        Principal principal = context.RequireMyelinPrincipal();
        IReadOnlyList<QuarantinedOutput> outputs = await room.Store.ListQuarantineAsync(
            principal.Tenant, userId, Math.Clamp(limit ?? 100, 1, 1000), context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(new QuarantineListOutput(
            [.. outputs.Select(q => new QuarantinedOutputDto(q.UserId, q.At, q.Extractor, q.Attempts, q.Error, q.Output, q.SourceOffsets))]));
    }

    private static async Task<Ok<ForgetUserOutput>> ForgetAsync(
        string userId, HttpContext context, MemoryRoom room, IMyelinStorage storage, TimeProvider time) =>
        TypedResults.Ok(await MemoryOperations.ForgetUserAsync(room, storage, time, context.RequireMyelinPrincipal(), userId, context.RequestAborted)
            .ConfigureAwait(false));

    /// <summary><c>current</c>, <c>superseded</c> or absent/<c>all</c>, as <see cref="MemoryFilter.Superseded"/>.</summary>
    internal static bool? ParseState(string? state) => state switch
    {
        null or "" or "all" => null,
        "current" => false,
        "superseded" => true,
        _ => throw new MyelinValidationException("invalid_memory_state", $"State '{state}' is invalid: use current, superseded or all."),
    };
}
