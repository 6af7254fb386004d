namespace Myelin.Memory;

/// <summary>An item to store; the store assigns its id, sequence and recording time.</summary>
/// <param name="Scope">Who the item belongs to.</param>
/// <param name="Kind">What it holds.</param>
/// <param name="Text">Its text (at most <see cref="MaxTextLength"/> characters).</param>
/// <param name="ValidFrom">When its content became true.</param>
public sealed record NewMemoryItem(MemoryScope Scope, MemoryKind Kind, string Text, DateTimeOffset ValidFrom)
{
    /// <summary>Longest accepted text.</summary>
    public const int MaxTextLength = 32_768;

    /// <summary>The slot the item fills, if any (see <see cref="MemoryItem.Subject"/>).</summary>
    public string? Subject { get; init; }

    /// <summary>The slot's value, if any.</summary>
    public string? Value { get; init; }

    /// <summary>Who said it.</summary>
    public string? Speaker { get; init; }

    /// <summary>Experience-log offsets of the source turns.</summary>
    public IReadOnlyList<long> SourceOffsets { get; init; } = [];

    /// <summary>How much the item matters, 0 to 1.</summary>
    public float Importance { get; init; } = 0.5f;

    /// <summary>The item's embedding (L2-normalised), or null to store none.</summary>
    public ReadOnlyMemory<float>? Vector { get; init; }
}
