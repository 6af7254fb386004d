using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Myelin.Core;

namespace Myelin.Evals.Datasets;

/// <summary>
/// The canonical serialisation of dataset items that version ids hash: one compact JSON object per item with fixed key
/// order (<c>id, input, expectedOutput, context, metadata</c>), metadata keys sorted ordinally, items in order, joined by
/// <c>\n</c>. Identical content therefore always yields the identical version id.
/// </summary>
public static class DatasetCanonical
{
    /// <summary>The most items one version holds.</summary>
    public const int MaxItems = 100_000;

    /// <summary>The canonical JSON of one item (with its id as given, which may be null).</summary>
    public static string ToJson(DatasetItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", item.Id);
            writer.WriteString("input", item.Input);
            writer.WriteString("expectedOutput", item.ExpectedOutput);
            writer.WriteStartArray("context");
            foreach (string passage in item.Context)
            {
                writer.WriteStringValue(passage);
            }

            writer.WriteEndArray();
            writer.WriteStartObject("metadata");
            foreach (KeyValuePair<string, string> pair in item.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.WriteString(pair.Key, pair.Value);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Parses the canonical JSON written by <see cref="ToJson"/>.</summary>
    public static DatasetItem FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement root = doc.RootElement;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonProperty property in root.GetProperty("metadata").EnumerateObject())
        {
            metadata[property.Name] = property.Value.GetString()!;
        }

        return new DatasetItem
        {
            Id = root.GetProperty("id").GetString(),
            Input = root.GetProperty("input").GetString()!,
            ExpectedOutput = root.GetProperty("expectedOutput").GetString(),
            Context = [.. root.GetProperty("context").EnumerateArray().Select(c => c.GetString()!)],
            Metadata = metadata,
        };
    }

    /// <summary>The id an item without one gets: <c>i-</c> and the first 16 hex digits of the SHA-256 of its content.</summary>
    public static string ContentId(DatasetItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        string json = ToJson(item with { Id = null });
        return "i-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..16];
    }

    /// <summary>
    /// Validates items and returns them ready to store: each with an id (derived from content when missing), ids unique.
    /// </summary>
    /// <exception cref="MyelinValidationException">An item is invalid; the message names its position and field.</exception>
    public static IReadOnlyList<DatasetItem> Normalize(IReadOnlyList<DatasetItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count > MaxItems)
        {
            throw new MyelinValidationException("too_many_items", $"A dataset version holds at most {MaxItems} items, got {items.Count}.");
        }

        var result = new List<DatasetItem>(items.Count);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < items.Count; i++)
        {
            DatasetItem item = items[i] ?? throw Invalid(i, "item", "is null");
            Check(i, item);
            DatasetItem normalized = item.Id is null ? item with { Id = ContentId(item) } : item;
            if (!seen.TryAdd(normalized.Id!, i))
            {
                throw new MyelinValidationException(
                    "duplicate_item",
                    $"Items {seen[normalized.Id!] + 1} and {i + 1} have the same id '{normalized.Id}' (items without an id get one from their content, so these are duplicates): remove one or give distinct ids.");
            }

            result.Add(normalized);
        }

        return result;
    }

    /// <summary>The version id of normalised items: the lowercase hex SHA-256 of their canonical lines.</summary>
    public static string VersionId(IReadOnlyList<DatasetItem> normalizedItems)
    {
        ArgumentNullException.ThrowIfNull(normalizedItems);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (int i = 0; i < normalizedItems.Count; i++)
        {
            if (i > 0)
            {
                hash.AppendData("\n"u8);
            }

            hash.AppendData(Encoding.UTF8.GetBytes(ToJson(normalizedItems[i])));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Check(int index, DatasetItem item)
    {
        if (item.Id is not null && (item.Id.Length is 0 or > 128 || item.Id.Any(char.IsControl)))
        {
            throw Invalid(index, "id", "must be 1-128 characters without control characters");
        }

        if (string.IsNullOrWhiteSpace(item.Input))
        {
            throw Invalid(index, "input", "is required and must not be blank");
        }

        CheckLength(index, "input", item.Input);
        CheckLength(index, "expectedOutput", item.ExpectedOutput);
        if (item.Context is null)
        {
            throw Invalid(index, "context", "is null; use an empty list");
        }

        for (int c = 0; c < item.Context.Count; c++)
        {
            if (item.Context[c] is null)
            {
                throw Invalid(index, $"context[{c}]", "is null");
            }

            CheckLength(index, $"context[{c}]", item.Context[c]);
        }

        if (item.Metadata is null)
        {
            throw Invalid(index, "metadata", "is null; use an empty map");
        }

        foreach (KeyValuePair<string, string> pair in item.Metadata)
        {
            if (string.IsNullOrEmpty(pair.Key) || pair.Key.Length > 128)
            {
                throw Invalid(index, "metadata", "keys must be 1-128 characters");
            }

            if (pair.Value is null)
            {
                throw Invalid(index, $"metadata.{pair.Key}", "is null");
            }

            CheckLength(index, $"metadata.{pair.Key}", pair.Value);
        }
    }

    private static void CheckLength(int index, string field, string? value)
    {
        if (value is not null && value.Length > DatasetItem.MaxTextLength)
        {
            throw Invalid(index, field, $"is longer than {DatasetItem.MaxTextLength} characters");
        }
    }

    private static MyelinValidationException Invalid(int index, string field, string problem) =>
        new("invalid_item", $"Item {index + 1}, field '{field}': {problem}.");
}
