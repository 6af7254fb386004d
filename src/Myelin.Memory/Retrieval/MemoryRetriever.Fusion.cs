using Myelin.Core;

namespace Myelin.Memory.Retrieval;

/// <content>Reciprocal rank fusion and the current-before-superseded order.</content>
public sealed partial class MemoryRetriever
{
    private async Task<List<RecallHit>> FuseAsync(
        TenantId tenant,
        RecallRequest request,
        MemoryFilter filter,
        bool past,
        IReadOnlyList<TextSearchHit> text,
        List<(string Id, float Similarity)> vector,
        int candidates,
        CancellationToken cancellationToken)
    {
        var textRank = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < text.Count; i++)
        {
            textRank.TryAdd(text[i].Id, i + 1);
        }

        IReadOnlyList<MemoryItem> loaded = await _store.GetManyAsync(
            tenant, [.. textRank.Keys.Union(vector.Select(v => v.Id))], cancellationToken).ConfigureAwait(false);
        var items = loaded.Where(i => Matches(i, filter)).ToDictionary(i => i.Id, StringComparer.Ordinal);
        var vectorRank = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach ((string id, float _) in vector)
        {
            if (items.ContainsKey(id) && vectorRank.Count < candidates)
            {
                vectorRank.TryAdd(id, vectorRank.Count + 1);
            }
        }

        HashSet<string> superseded = await SupersededAsync(tenant, items.Values, request.ValidAt, cancellationToken).ConfigureAwait(false);
        List<MemoryItem> pool = [.. items.Values.Where(i => textRank.ContainsKey(i.Id) || vectorRank.ContainsKey(i.Id))];
        Dictionary<string, int> recency = RankBy(pool, i => i.ValidFrom.UtcTicks);
        Dictionary<string, int> importance = RankBy(pool, i => i.Importance + (0.02 * Math.Log(1 + i.AccessCount)));
        // A question about the past is usually about the version just before the current one: among superseded
        // candidates, the most recently replaced ranks first in an extra list.
        Dictionary<string, int> lastReplaced = past
            ? RankBy([.. pool.Where(i => superseded.Contains(i.Id))], i => (i.ValidTo ?? i.ValidFrom).UtcTicks)
            : [];
        double k = _options.RrfK;
        var scored = pool.Select(i =>
        {
            double score = (_options.RecencyWeight / (k + recency[i.Id])) + (_options.ImportanceWeight / (k + importance[i.Id]));
            score += lastReplaced.TryGetValue(i.Id, out int lr) ? _options.PastWeight / (k + lr) : 0;
            int? t = textRank.TryGetValue(i.Id, out int tr) ? tr : null;
            int? v = vectorRank.TryGetValue(i.Id, out int vr) ? vr : null;
            score += (t is { } a ? _options.TextWeight / (k + a) : 0) + (v is { } b ? _options.VectorWeight / (k + b) : 0);
            return (Item: i, Score: score, Text: t, Vector: v, Superseded: superseded.Contains(i.Id));
        });

        // Current before superseded, unless the query is about the past; then by fused score, ties by recency.
        var ordered = scored
            .OrderBy(s => !past && s.Superseded ? 1 : 0)
            .ThenByDescending(s => s.Score)
            .ThenByDescending(s => s.Item.Sequence)
            .Take(request.Limit)
            .ToList();

        var hits = new List<RecallHit>(ordered.Count);
        foreach (var s in ordered)
        {
            IReadOnlyList<MemoryItem> neighbours = s.Item.Kind == MemoryKind.Episode && request.NeighbourTurns > 0
                ? await _store.GetNeighbourTurnsAsync(tenant, s.Item, request.NeighbourTurns, request.NeighbourTurns, cancellationToken)
                    .ConfigureAwait(false)
                : [];
            hits.Add(new RecallHit(s.Item, s.Score, s.Superseded, s.Text, s.Vector, neighbours));
        }

        return hits;
    }

    // Superseded "now" is anything closed or replaced. As of an earlier time, only what was replaced by then.
    private async Task<HashSet<string>> SupersededAsync(
        TenantId tenant, IEnumerable<MemoryItem> items, DateTimeOffset? at, CancellationToken cancellationToken)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        if (at is not { } time)
        {
            result.UnionWith(items.Where(i => i.IsSuperseded).Select(i => i.Id));
            return result;
        }

        List<MemoryItem> replaced = [.. items.Where(i => i.SupersededBy is not null)];
        IReadOnlyList<MemoryItem> successors = await _store.GetManyAsync(
            tenant, [.. replaced.Select(i => i.SupersededBy!).Distinct()], cancellationToken).ConfigureAwait(false);
        var startedAt = successors.ToDictionary(s => s.Id, s => s.ValidFrom, StringComparer.Ordinal);
        foreach (MemoryItem i in replaced)
        {
            if (startedAt.TryGetValue(i.SupersededBy!, out DateTimeOffset from) && from <= time)
            {
                result.Add(i.Id);
            }
        }

        return result;
    }

    private static Dictionary<string, int> RankBy(List<MemoryItem> pool, Func<MemoryItem, double> key)
    {
        var ranks = new Dictionary<string, int>(pool.Count, StringComparer.Ordinal);
        int rank = 1;
        foreach (MemoryItem i in pool.OrderByDescending(key).ThenByDescending(i => i.Sequence))
        {
            ranks[i.Id] = rank++;
        }

        return ranks;
    }

    private static bool Matches(MemoryItem i, MemoryFilter f) =>
        i.Scope.UserId == f.UserId &&
        (f.AgentId is null || i.Scope.AgentId is null || i.Scope.AgentId == f.AgentId) &&
        (f.SessionId is null || i.Scope.SessionId == f.SessionId) &&
        (f.Kinds is not { Count: > 0 } || f.Kinds.Contains(i.Kind)) &&
        (f.ValidAt is not { } v || i.IsValidAt(v)) &&
        (f.From is not { } from || i.ValidFrom >= from) &&
        (f.To is not { } to || i.ValidFrom < to);
}
