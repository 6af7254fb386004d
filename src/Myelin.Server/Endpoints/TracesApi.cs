using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Myelin.Core;
using Myelin.Core.Log;
using Myelin.Core.Storage;
using Myelin.Evals.Traces;
using Myelin.Server.Auth;

namespace Myelin.Server.Endpoints;

/// <summary>Stored traces: <c>GET /api/traces</c> lists (from the trace index), <c>GET /api/traces/{traceId}</c> returns one as a tree.</summary>
public static partial class TracesApi
{
    /// <summary>The most spans one trace answer carries.</summary>
    public const int MaxSpans = 10_000;

    /// <summary>
    /// Opens and migrates the trace index: on PostgreSQL (schema <c>evals</c>) when a connection string is given, else in
    /// <c>{data}/evals.db</c>.
    /// </summary>
    public static async Task<ITraceIndexStore> OpenTraceIndexAsync(
        string dataDirectory, string? postgresConnectionString, CancellationToken cancellationToken = default)
    {
        ITraceIndexStore store = postgresConnectionString is null
            ? SqliteTraceIndexStore.Open(dataDirectory)
            : PostgresTraceIndexStore.Open(postgresConnectionString);
        try
        {
            await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Registers an opened trace index (the container owns and disposes it) and its log consumer.</summary>
    public static IServiceCollection AddTraceIndex(this IServiceCollection services, ITraceIndexStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        services.AddSingleton(_ => store);
        services.AddSingleton(sp =>
        {
            IMyelinStorage storage = sp.GetRequiredService<IMyelinStorage>();
            return new TraceIndexer(storage.Log, storage.Checkpoints, sp.GetRequiredService<ITraceIndexStore>());
        });
        return services;
    }

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapTracesApi(this IEndpointRouteBuilder routes)
    {
        RouteGroupBuilder group = routes.MapGroup("/api/traces").WithTags("Traces").RequireAuthorization(ApiKeyDefaults.ReaderPolicy);
        group.MapGet("/", ListAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("List traces newest first: sessionId, userId, model, from, to, finding (a flagged finding kind), "
                + "score (repeatable, e.g. answer_relevance<0.5; operators < <= > >=), limit (1-500), cursor.");
        group.MapGet("/{traceId}", GetAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("All spans of one trace with their attributes and events, depth-first as a tree.");
        return routes;
    }

    private static async Task<Ok<TraceListOutput>> ListAsync(HttpContext context, TraceIndexer indexer, ITraceIndexStore store)
    {
        Principal principal = context.RequireMyelinPrincipal();
        TracePage page = await ListTracesAsync(indexer, store, principal.Tenant, ParseQuery(context.Request.Query), context.RequestAborted)
            .ConfigureAwait(false);
        return TypedResults.Ok(new TraceListOutput(
            [.. page.Traces.Select(t => new TraceSummaryOutput(
                t.TraceId, t.StartTime, t.EndTime, t.DurationMs, t.RootName, t.SpanCount, t.ErrorCount, t.SessionId, t.UserId,
                t.Models, t.InputTokens, t.OutputTokens, t.CostUsd, t.ServiceName))],
            page.Next));
    }

    /// <summary>Brings the tenant's trace index up to date with the log, then lists traces newest first.</summary>
    public static async Task<TracePage> ListTracesAsync(
        TraceIndexer indexer, ITraceIndexStore store, TenantId tenant, TraceQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(indexer);
        ArgumentNullException.ThrowIfNull(store);
        await indexer.CatchUpAsync(tenant, cancellationToken).ConfigureAwait(false);
        return await store.ListAsync(tenant, query, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Ok<TraceDetailOutput>> GetAsync(string traceId, HttpContext context, IMyelinStorage storage)
    {
        Principal principal = context.RequireMyelinPrincipal();
        return TypedResults.Ok(await LoadTraceAsync(storage, principal.Tenant, traceId, context.RequestAborted).ConfigureAwait(false));
    }

    /// <summary>Loads every stored span of one trace of the tenant, ordered depth-first as a tree.</summary>
    /// <exception cref="MyelinValidationException">The id is not 32 hex characters.</exception>
    /// <exception cref="MyelinNotFoundException">The tenant has no span of that trace.</exception>
    public static async Task<TraceDetailOutput> LoadTraceAsync(IMyelinStorage storage, TenantId tenant, string traceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(traceId);
        if (traceId.Length != 32 || !traceId.All(char.IsAsciiHexDigit))
        {
            throw new MyelinValidationException("invalid_trace_id", $"'{traceId}' is not a trace id: use 32 hex characters.");
        }

        string id = traceId.ToLowerInvariant();
        var records = new List<ExperienceRecord>();
        long after = 0;
        bool truncated = false;
        while (true)
        {
            IReadOnlyList<ExperienceRecord> page = await storage.Log.QueryAsync(
                tenant, new LogQuery { TraceId = id, Kinds = [ExperienceKinds.Span], AfterOffset = after, Limit = 1000 }, cancellationToken)
                .ConfigureAwait(false);
            records.AddRange(page);
            if (page.Count < 1000)
            {
                break;
            }

            after = page[^1].Offset;
            if (records.Count >= MaxSpans)
            {
                truncated = true;
                break;
            }
        }

        if (records.Count == 0)
        {
            throw new MyelinNotFoundException("trace_not_found", $"No spans of trace '{id}' are stored in this tenant.");
        }

        return new TraceDetailOutput(id, BuildTree(records), truncated);
    }

    /// <summary>Parses list filters from a query string (also used by the dashboard).</summary>
    public static TraceQuery ParseQuery(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        int limit = 50;
        if (query.TryGetValue("limit", out var limitText) && !int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit))
        {
            throw new MyelinValidationException("invalid_limit", $"'limit' must be a whole number, got '{limitText}'.");
        }

        return new TraceQuery
        {
            SessionId = Text(query, "sessionId"),
            UserId = Text(query, "userId"),
            Model = Text(query, "model"),
            Finding = Text(query, "finding"),
            Scores = [.. query["score"].Where(s => !string.IsNullOrEmpty(s)).Select(s => ScoreFilter.Parse(s!))],
            From = Time(query, "from"),
            To = Time(query, "to"),
            Cursor = Text(query, "cursor"),
            Limit = limit,
        };
    }

    private static string? Text(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value.ToString() : null;

    private static DateTimeOffset? Time(IQueryCollection query, string name)
    {
        if (Text(query, name) is not { } text)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset value)
            ? value
            : throw new MyelinValidationException("invalid_time", $"'{name}' must be an ISO 8601 time, got '{text}'.");
    }
}
