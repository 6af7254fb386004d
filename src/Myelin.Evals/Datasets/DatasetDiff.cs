namespace Myelin.Evals.Datasets;

/// <summary>What changed between two versions of a dataset, item by item (items matched by id).</summary>
/// <param name="From">The version diffed from.</param>
/// <param name="To">The version diffed to.</param>
/// <param name="Added">Items only in <paramref name="To"/>, in its order.</param>
/// <param name="Removed">Items only in <paramref name="From"/>, in its order.</param>
/// <param name="Changed">Items in both with different content, in <paramref name="To"/>'s order.</param>
/// <param name="Unchanged">How many items are identical in both.</param>
public sealed record DatasetDiff(
    string From,
    string To,
    IReadOnlyList<DatasetItem> Added,
    IReadOnlyList<DatasetItem> Removed,
    IReadOnlyList<DatasetItemChange> Changed,
    int Unchanged)
{
    /// <summary>Compares two lists of stored (normalised, so every item has an id) items.</summary>
    public static DatasetDiff Compute(string fromId, IReadOnlyList<DatasetItem> from, string toId, IReadOnlyList<DatasetItem> to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        Dictionary<string, DatasetItem> before = from.ToDictionary(i => i.Id ?? DatasetCanonical.ContentId(i), StringComparer.Ordinal);
        var afterIds = new HashSet<string>(StringComparer.Ordinal);
        var added = new List<DatasetItem>();
        var changed = new List<DatasetItemChange>();
        int unchanged = 0;
        foreach (DatasetItem item in to)
        {
            string id = item.Id ?? DatasetCanonical.ContentId(item);
            afterIds.Add(id);
            if (!before.TryGetValue(id, out DatasetItem? old))
            {
                added.Add(item);
                continue;
            }

            IReadOnlyList<string> fields = ChangedFields(old, item);
            if (fields.Count == 0)
            {
                unchanged++;
            }
            else
            {
                changed.Add(new DatasetItemChange(id, old, item, fields));
            }
        }

        List<DatasetItem> removed = [.. from.Where(i => !afterIds.Contains(i.Id ?? DatasetCanonical.ContentId(i)))];
        return new DatasetDiff(fromId, toId, added, removed, changed, unchanged);
    }

    private static List<string> ChangedFields(DatasetItem a, DatasetItem b)
    {
        var fields = new List<string>();
        if (!string.Equals(a.Input, b.Input, StringComparison.Ordinal))
        {
            fields.Add("input");
        }

        if (!string.Equals(a.ExpectedOutput, b.ExpectedOutput, StringComparison.Ordinal))
        {
            fields.Add("expectedOutput");
        }

        if (!a.Context.SequenceEqual(b.Context, StringComparer.Ordinal))
        {
            fields.Add("context");
        }

        if (a.Metadata.Count != b.Metadata.Count
            || a.Metadata.Any(p => !b.Metadata.TryGetValue(p.Key, out string? v) || !string.Equals(v, p.Value, StringComparison.Ordinal)))
        {
            fields.Add("metadata");
        }

        return fields;
    }
}
