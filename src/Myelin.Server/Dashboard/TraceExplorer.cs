using Microsoft.Extensions.Primitives;
using Myelin.Core;
using Myelin.Core.Storage;
using Myelin.Evals.Monitoring;
using Myelin.Evals.Traces;
using Myelin.Server.Auth;
using Myelin.Server.Endpoints;

namespace Myelin.Server.Dashboard;

/// <summary>The dashboard's trace explorer: list, one trace's tree, and a session across turns.</summary>
internal static class TraceExplorer
{
    public static async Task<IResult> ListAsync(HttpContext context, TraceIndexer indexer, ITraceIndexStore store)
    {
        if (context.User.GetMyelinPrincipal() is not { } caller)
        {
            return Results.Redirect("/login");
        }

        try
        {
            TraceQuery query = TracesApi.ParseQuery(Normalised(context.Request.Query));
            TracePage page = await TracesApi.ListTracesAsync(indexer, store, caller.Tenant, query, context.RequestAborted).ConfigureAwait(false);
            return Layout.Page("Traces", "traces", TracesPage.Render(context.Request.Query, page, null));
        }
        catch (MyelinValidationException ex)
        {
            return Layout.Page("Traces", "traces", TracesPage.Render(context.Request.Query, null, ex.Message), StatusCodes.Status400BadRequest);
        }
    }

    public static async Task<IResult> TraceAsync(
        string traceId, HttpContext context, IMyelinStorage storage, ITraceIndexStore traces, IMonitorStore monitoring)
    {
        if (context.User.GetMyelinPrincipal() is not { } caller)
        {
            return Results.Redirect("/login");
        }

        try
        {
            TraceDetailOutput trace = await TracesApi.LoadTraceAsync(storage, caller.Tenant, traceId, context.RequestAborted).ConfigureAwait(false);
            IReadOnlyList<TraceResult> results = await traces.GetResultsAsync(caller.Tenant, trace.TraceId, context.RequestAborted).ConfigureAwait(false);
            IReadOnlyList<Feedback> feedback = await monitoring.ListFeedbackAsync(caller.Tenant, trace.TraceId, context.RequestAborted).ConfigureAwait(false);
            return Layout.Page("Trace", "traces", TraceDetailPage.Render(trace) + TraceEvaluationsSection.Render(trace.TraceId, results, feedback));
        }
        catch (MyelinException ex) when (ex is MyelinValidationException or MyelinNotFoundException)
        {
            int status = ex is MyelinNotFoundException ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest;
            return Layout.Page("Trace", "traces", "<div class=\"error\" role=\"alert\">" + Layout.Encode(ex.Message) + "</div>", status);
        }
    }

    public static async Task<IResult> SessionAsync(string sessionId, HttpContext context, IMyelinStorage storage, TraceIndexer indexer, ITraceIndexStore store)
    {
        if (context.User.GetMyelinPrincipal() is not { } caller)
        {
            return Results.Redirect("/login");
        }

        TracePage page = await TracesApi.ListTracesAsync(
            indexer, store, caller.Tenant, new TraceQuery { SessionId = sessionId, Limit = SessionPage.MaxTurns }, context.RequestAborted).ConfigureAwait(false);
        var turns = new List<(TraceSummary, TraceDetailOutput)>(page.Traces.Count);
        foreach (TraceSummary summary in page.Traces.Reverse())
        {
            turns.Add((summary, await TracesApi.LoadTraceAsync(storage, caller.Tenant, summary.TraceId, context.RequestAborted).ConfigureAwait(false)));
        }

        return Layout.Page("Session", "traces", SessionPage.Render(sessionId, turns));
    }

    /// <summary>
    /// Browsers send datetime-local values without a zone; the form says UTC, so they are read as UTC. The form's score
    /// metric with min and max becomes the API's <c>score</c> filters (<c>name&gt;=min</c>, <c>name&lt;=max</c>).
    /// </summary>
    private static QueryCollection Normalised(IQueryCollection query)
    {
        Dictionary<string, StringValues> values = query
            .Where(q => q.Key is not ("scoreName" or "scoreMin" or "scoreMax"))
            .ToDictionary(
                q => q.Key,
                q => q.Key is "from" or "to" && q.Value.ToString() is { Length: > 0 } v && !v.EndsWith('Z') && !v.Contains('+', StringComparison.Ordinal)
                    ? new StringValues(v + "Z")
                    : q.Value);
        string name = query["scoreName"].ToString().Trim();
        var scores = new List<string?>(query["score"]);
        foreach ((string field, string op) in new[] { ("scoreMin", ">="), ("scoreMax", "<=") })
        {
            string bound = query[field].ToString().Trim();
            if (bound.Length == 0)
            {
                continue;
            }

            if (name.Length == 0)
            {
                throw new MyelinValidationException("invalid_score_filter", "Name the score metric to filter by min or max.");
            }

            scores.Add(name + op + bound);
        }

        if (scores.Count > 0)
        {
            values["score"] = new StringValues([.. scores]);
        }

        return new QueryCollection(values);
    }
}
