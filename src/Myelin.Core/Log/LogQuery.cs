namespace Myelin.Core.Log;

/// <summary>A filtered read of one tenant's log. All filters combine with AND.</summary>
/// <remarks>
/// Ascending queries return offsets greater than <see cref="AfterOffset"/>; descending queries (newest first, for
/// browsing) return offsets smaller than <see cref="BeforeOffset"/>. Time bounds are inclusive-exclusive: From &lt;= t &lt; To.
/// </remarks>
public sealed record LogQuery
{
    /// <summary>The largest page a query may ask for.</summary>
    public const int MaxLimit = 10_000;

    /// <summary>Only records with offset &gt; this value (ascending reads).</summary>
    public long AfterOffset { get; init; }

    /// <summary>Only records with offset &lt; this value, when set (useful for newest-first paging).</summary>
    public long? BeforeOffset { get; init; }

    /// <summary>Only these kinds, when non-empty.</summary>
    public IReadOnlyList<string> Kinds { get; init; } = [];

    /// <summary>Only records whose timestamp is at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only records whose timestamp is before this time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only records with this trace id.</summary>
    public string? TraceId { get; init; }

    /// <summary>Only records with this session id.</summary>
    public string? SessionId { get; init; }

    /// <summary>Only records with this episode id.</summary>
    public string? EpisodeId { get; init; }

    /// <summary>Newest first when true.</summary>
    public bool Descending { get; init; }

    /// <summary>How many records at most (1 to <see cref="MaxLimit"/>).</summary>
    public int Limit { get; init; } = 100;

    /// <summary>Throws <see cref="MyelinValidationException"/> when the query is malformed.</summary>
    public void Validate()
    {
        if (AfterOffset < 0)
        {
            throw new MyelinValidationException("invalid_offset", $"'after' must be 0 or greater, got {AfterOffset}.");
        }

        if (BeforeOffset is < 1)
        {
            throw new MyelinValidationException("invalid_offset", $"'before' must be 1 or greater, got {BeforeOffset}.");
        }

        if (Limit is < 1 or > MaxLimit)
        {
            throw new MyelinValidationException("invalid_limit", $"'limit' must be between 1 and {MaxLimit}, got {Limit}.");
        }

        if (From is { } from && To is { } to && from > to)
        {
            throw new MyelinValidationException("invalid_time_range", "'from' must not be later than 'to'.");
        }

        foreach (string kind in Kinds)
        {
            if (!ExperienceKinds.IsValid(kind))
            {
                throw new MyelinValidationException("invalid_kind", $"Unknown kind '{kind}'. Use a built-in kind or a custom kind starting with 'x.'.");
            }
        }
    }
}
