namespace Myelin.Memory;

/// <summary>One stored memory: an episode (a verbatim turn) or something learned from episodes.</summary>
/// <remarks>
/// <para>Bi-temporal: <see cref="ValidFrom"/>/<see cref="ValidTo"/> say when the content was true in the world;
/// <see cref="RecordedAt"/>/<see cref="InvalidatedAt"/> say when the store learned it and when it learned otherwise.</para>
/// <para>Items are never deleted by consolidation: a contradicted item gets <see cref="ValidTo"/> and
/// <see cref="SupersededBy"/> and stays queryable in history. Only forgetting a user removes items.</para>
/// </remarks>
public sealed record MemoryItem
{
    /// <summary>The item id (<c>mem_</c> + 32 hex characters).</summary>
    public required string Id { get; init; }

    /// <summary>Who the item belongs to.</summary>
    public required MemoryScope Scope { get; init; }

    /// <summary>What the item holds.</summary>
    public required MemoryKind Kind { get; init; }

    /// <summary>The text: the verbatim turn for an episode, a short statement otherwise.</summary>
    public required string Text { get; init; }

    /// <summary>The slot the item fills (for example <c>location.home</c>); items of one user with the same subject
    /// contradict each other. Null for episodes and free-form items.</summary>
    public string? Subject { get; init; }

    /// <summary>The value of the slot (for example <c>Paris</c>), when the item has a subject.</summary>
    public string? Value { get; init; }

    /// <summary>Who said it (a speaker name or a role such as <c>user</c>).</summary>
    public string? Speaker { get; init; }

    /// <summary>When the content became true.</summary>
    public required DateTimeOffset ValidFrom { get; init; }

    /// <summary>When the content stopped being true, or null while it still is.</summary>
    public DateTimeOffset? ValidTo { get; init; }

    /// <summary>When the store recorded the item.</summary>
    public required DateTimeOffset RecordedAt { get; init; }

    /// <summary>When the store set <see cref="ValidTo"/>, or null while it is open.</summary>
    public DateTimeOffset? InvalidatedAt { get; init; }

    /// <summary>Experience-log offsets (in the tenant's log) of the turns the item came from.</summary>
    public IReadOnlyList<long> SourceOffsets { get; init; } = [];

    /// <summary>How much the item matters, 0 to 1.</summary>
    public float Importance { get; init; }

    /// <summary>How often recall returned the item.</summary>
    public long AccessCount { get; init; }

    /// <summary>When recall last returned the item.</summary>
    public DateTimeOffset? LastAccessedAt { get; init; }

    /// <summary>The item this one replaced, if any.</summary>
    public string? Supersedes { get; init; }

    /// <summary>The item that replaced this one. On an episode: the item that replaced a fact first stated in it.</summary>
    public string? SupersededBy { get; init; }

    /// <summary>The store's insertion sequence (ascending in insertion order); 0 before the item is stored.</summary>
    public long Sequence { get; init; }

    /// <summary>Whether the item was true at <paramref name="time"/> by its valid-time interval.</summary>
    public bool IsValidAt(DateTimeOffset time) => ValidFrom <= time && (ValidTo is null || ValidTo > time);

    /// <summary>Whether something newer replaced the item's content.</summary>
    public bool IsSuperseded => SupersededBy is not null || ValidTo is not null;
}
