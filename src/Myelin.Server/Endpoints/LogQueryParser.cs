using System.Globalization;
using Microsoft.Extensions.Primitives;
using Myelin.Core;
using Myelin.Core.Log;

namespace Myelin.Server.Endpoints;

/// <summary>Turns <c>GET /api/log</c> query parameters into a validated <see cref="LogQuery"/>.</summary>
public static class LogQueryParser
{
    private static readonly HashSet<string> s_known = new(StringComparer.Ordinal)
    {
        "after", "before", "kind", "from", "to", "traceId", "sessionId", "episodeId", "limit", "order",
    };

    /// <summary>Parses and validates; throws <see cref="MyelinValidationException"/> naming the bad parameter.</summary>
    public static LogQuery Parse(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        foreach (string key in query.Keys)
        {
            if (!s_known.Contains(key))
            {
                throw new MyelinValidationException(
                    "unknown_parameter", $"Unknown query parameter '{key}'. Allowed: {string.Join(", ", s_known.Order(StringComparer.Ordinal))}.");
            }
        }

        string order = Single(query, "order") ?? "asc";
        if (order is not ("asc" or "desc"))
        {
            throw new MyelinValidationException("invalid_order", "'order' must be 'asc' or 'desc'.");
        }

        var result = new LogQuery
        {
            AfterOffset = Long(query, "after") ?? 0,
            BeforeOffset = Long(query, "before"),
            Kinds = Kinds(query["kind"]),
            From = Time(query, "from"),
            To = Time(query, "to"),
            TraceId = Single(query, "traceId"),
            SessionId = Single(query, "sessionId"),
            EpisodeId = Single(query, "episodeId"),
            Limit = (int)(Long(query, "limit") ?? 100),
            Descending = order == "desc",
        };
        result.Validate();
        return result;
    }

    private static string[] Kinds(StringValues values) =>
        [.. values.SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    private static string? Single(IQueryCollection query, string name)
    {
        StringValues values = query[name];
        if (values.Count > 1)
        {
            throw new MyelinValidationException("invalid_parameter", $"'{name}' may be given once.");
        }

        string? value = values.Count == 1 ? values[0] : null;
        return string.IsNullOrEmpty(value) ? null : value;
    }

    private static long? Long(IQueryCollection query, string name)
    {
        string? text = Single(query, name);
        if (text is null)
        {
            return null;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value) || value > int.MaxValue * 1024L)
        {
            throw new MyelinValidationException(
                name is "after" or "before" ? "invalid_offset" : "invalid_" + name, $"'{name}' must be a non-negative integer, got '{text}'.");
        }

        return value;
    }

    private static DateTimeOffset? Time(IQueryCollection query, string name)
    {
        string? text = Single(query, name);
        if (text is null)
        {
            return null;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset value))
        {
            throw new MyelinValidationException("invalid_time", $"'{name}' must be an ISO 8601 date-time, got '{text}'.");
        }

        return value;
    }
}
