using System.Globalization;
using Myelin.Core;

namespace Myelin.Evals.Traces;

/// <summary>Filters and paging for listing traces. Filters combine with AND; time bounds apply to the trace start (From &lt;= t &lt; To).</summary>
public sealed record TraceQuery
{
    /// <summary>The largest page.</summary>
    public const int MaxLimit = 500;

    /// <summary>The most score filters in one query.</summary>
    public const int MaxScoreFilters = 4;

    /// <summary>Only traces of this session.</summary>
    public string? SessionId { get; init; }

    /// <summary>Only traces of this end user.</summary>
    public string? UserId { get; init; }

    /// <summary>Only traces that used this model (request or response model).</summary>
    public string? Model { get; init; }

    /// <summary>Only traces that started at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only traces that started before this time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only traces with a flagged finding of this kind (stored by a monitor, see <see cref="ITraceIndexStore.ApplyResultsAsync"/>).</summary>
    public string? Finding { get; init; }

    /// <summary>Only traces with a scored turn matching every filter (at most <see cref="MaxScoreFilters"/>).</summary>
    public IReadOnlyList<ScoreFilter> Scores { get; init; } = [];

    /// <summary>The <see cref="TracePage.Next"/> of the previous page.</summary>
    public string? Cursor { get; init; }

    /// <summary>Page size, 1 to <see cref="MaxLimit"/>.</summary>
    public int Limit { get; init; } = 50;

    /// <summary>Throws <see cref="MyelinValidationException"/> when the query is malformed.</summary>
    public void Validate()
    {
        if (Limit is < 1 or > MaxLimit)
        {
            throw new MyelinValidationException("invalid_limit", $"'limit' must be between 1 and {MaxLimit}, got {Limit}.");
        }

        if (From is { } from && To is { } to && from > to)
        {
            throw new MyelinValidationException("invalid_time_range", "'from' must not be later than 'to'.");
        }

        if (Scores.Count > MaxScoreFilters)
        {
            throw new MyelinValidationException("invalid_score_filter", $"At most {MaxScoreFilters} 'score' filters, got {Scores.Count}.");
        }

        if (Cursor is not null)
        {
            _ = ParseCursor(Cursor);
        }
    }

    /// <summary>Encodes a page position.</summary>
    public static string FormatCursor(long startMicros, string traceId) =>
        string.Create(CultureInfo.InvariantCulture, $"{startMicros}.{traceId}");

    /// <summary>Decodes a page position.</summary>
    /// <exception cref="MyelinValidationException">The cursor was not produced by <see cref="FormatCursor"/>.</exception>
    public static (long StartMicros, string TraceId) ParseCursor(string cursor)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        int dot = cursor.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == cursor.Length - 1
            || !long.TryParse(cursor.AsSpan(0, dot), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long micros))
        {
            throw new MyelinValidationException("invalid_cursor", "'cursor' is not a value returned as 'next' by a previous page.");
        }

        return (micros, cursor[(dot + 1)..]);
    }
}
