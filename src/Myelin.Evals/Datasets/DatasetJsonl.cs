using System.Globalization;
using System.Text;
using System.Text.Json;
using Myelin.Core;

namespace Myelin.Evals.Datasets;

/// <summary>
/// Dataset items as JSON Lines: one object per line with <c>input</c> (required string), <c>id</c>, <c>expectedOutput</c>
/// (strings), <c>context</c> (a string or an array of strings) and <c>metadata</c> (an object of strings, numbers or
/// booleans; numbers and booleans are kept as their JSON text). Blank lines are skipped.
/// </summary>
/// <remarks>Reading is all or nothing: the first bad line throws and no items are returned.</remarks>
public static class DatasetJsonl
{
    /// <summary>Parses JSON Lines text.</summary>
    /// <exception cref="MyelinValidationException">A line is not valid; the message names the line and the field.</exception>
    public static IReadOnlyList<DatasetItem> Read(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var items = new List<DatasetItem>();
        int lineNumber = 0;
        using var reader = new StringReader(text);
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            items.Add(ReadLine(line, string.Create(CultureInfo.InvariantCulture, $"JSONL line {lineNumber}")));
            if (items.Count > DatasetCanonical.MaxItems)
            {
                throw new MyelinValidationException("too_many_items", $"Line {lineNumber}: a dataset version holds at most {DatasetCanonical.MaxItems} items.");
            }
        }

        return items;
    }

    /// <summary>Writes items as JSON Lines (the canonical form of each item, <c>\n</c>-terminated).</summary>
    public static string Write(IEnumerable<DatasetItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var builder = new StringBuilder();
        foreach (DatasetItem item in items)
        {
            builder.Append(DatasetCanonical.ToJson(item)).Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>Reads one item object; errors start with <paramref name="location"/> (e.g. <c>items[2]</c>) and name the field.</summary>
    /// <exception cref="MyelinValidationException">The element is not a valid item.</exception>
    public static DatasetItem ReadItem(JsonElement root, string location)
    {
        ArgumentNullException.ThrowIfNull(location);

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Bad(location, null, "must be a JSON object");
        }

        string? id = null;
        string? input = null;
        string? expected = null;
        List<string> context = [];
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonProperty property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "id":
                    id = OptionalString(property, location);
                    break;
                case "input":
                    input = OptionalString(property, location);
                    break;
                case "expectedOutput" or "expected_output" or "expected":
                    expected = OptionalString(property, location);
                    break;
                case "context":
                    context = ReadContext(property, location);
                    break;
                case "metadata":
                    ReadMetadata(property, location, metadata);
                    break;
                default:
                    throw Bad(location, property.Name, "is not a dataset field (use id, input, expectedOutput, context, metadata)");
            }
        }

        if (string.IsNullOrWhiteSpace(input))
        {
            throw Bad(location, "input", "is required and must be a non-blank string");
        }

        return new DatasetItem { Id = id, Input = input, ExpectedOutput = expected, Context = context, Metadata = metadata };
    }

    private static DatasetItem ReadLine(string line, string location)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw Bad(location, null, $"is not valid JSON ({e.Message})");
        }

        using (doc)
        {
            return ReadItem(doc.RootElement, location);
        }
    }

    private static string? OptionalString(JsonProperty property, string location) => property.Value.ValueKind switch
    {
        JsonValueKind.String => property.Value.GetString(),
        JsonValueKind.Null => null,
        _ => throw Bad(location, property.Name, $"must be a string, got {Kind(property.Value)}"),
    };

    private static List<string> ReadContext(JsonProperty property, string location)
    {
        switch (property.Value.ValueKind)
        {
            case JsonValueKind.Null:
                return [];
            case JsonValueKind.String:
                return [property.Value.GetString()!];
            case JsonValueKind.Array:
                var passages = new List<string>();
                int index = 0;
                foreach (JsonElement passage in property.Value.EnumerateArray())
                {
                    if (passage.ValueKind != JsonValueKind.String)
                    {
                        throw Bad(location, $"context[{index}]", $"must be a string, got {Kind(passage)}");
                    }

                    passages.Add(passage.GetString()!);
                    index++;
                }

                return passages;
            default:
                throw Bad(location, "context", $"must be a string or an array of strings, got {Kind(property.Value)}");
        }
    }

    private static void ReadMetadata(JsonProperty property, string location, Dictionary<string, string> metadata)
    {
        if (property.Value.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (property.Value.ValueKind != JsonValueKind.Object)
        {
            throw Bad(location, "metadata", $"must be an object, got {Kind(property.Value)}");
        }

        foreach (JsonProperty entry in property.Value.EnumerateObject())
        {
            metadata[entry.Name] = entry.Value.ValueKind switch
            {
                JsonValueKind.String => entry.Value.GetString()!,
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => entry.Value.GetRawText(),
                _ => throw Bad(location, "metadata." + entry.Name, $"must be a string, number or boolean, got {Kind(entry.Value)}"),
            };
        }
    }

    private static string Kind(JsonElement value) => value.ValueKind.ToString().ToLowerInvariant();

    private static MyelinValidationException Bad(string location, string? field, string problem) => new(
        "invalid_dataset_file", field is null ? $"{location}: {problem}." : $"{location}, field '{field}': {problem}.");
}
