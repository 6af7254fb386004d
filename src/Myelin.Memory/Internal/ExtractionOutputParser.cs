using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Myelin.Memory.Extraction;

namespace Myelin.Memory.Internal;

/// <summary>Validates a model's extraction output against <see cref="ExtractionJsonSchema"/> by hand (no reflection),
/// returning the memories or a message that says what was wrong.</summary>
internal static partial class ExtractionOutputParser
{
    public static bool TryParse(
        string output, IReadOnlyList<ExtractionTurn> turns, int maxMemories, out List<ExtractedMemory> memories, out string error)
    {
        memories = [];
        string json = StripFence(output);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            error = "The output is not valid JSON: " + e.Message;
            return false;
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("memories", out JsonElement list) ||
                list.ValueKind != JsonValueKind.Array)
            {
                error = "The output must be an object with a 'memories' array.";
                return false;
            }

            if (list.GetArrayLength() > maxMemories)
            {
                error = $"The output has {list.GetArrayLength()} memories; at most {maxMemories} are accepted.";
                return false;
            }

            int index = 0;
            foreach (JsonElement item in list.EnumerateArray())
            {
                if (!TryParseItem(item, turns, out ExtractedMemory? memory, out string why))
                {
                    error = $"memories[{index}]: {why}";
                    return false;
                }

                memories.Add(memory!);
                index++;
            }
        }

        error = string.Empty;
        return true;
    }

    private static bool TryParseItem(JsonElement item, IReadOnlyList<ExtractionTurn> turns, out ExtractedMemory? memory, out string error)
    {
        memory = null;
        if (item.ValueKind != JsonValueKind.Object)
        {
            error = "each memory must be an object.";
            return false;
        }

        MemoryKind? kind = Str(item, "kind") switch
        {
            "fact" => MemoryKind.Fact,
            "preference" => MemoryKind.Preference,
            "procedure" => MemoryKind.Procedure,
            "summary" => MemoryKind.Summary,
            _ => null,
        };
        string? text = Str(item, "text");
        string? subject = Str(item, "subject");
        string? value = Str(item, "value");
        string? validFrom = Str(item, "valid_from");
        error = kind is null ? "'kind' must be fact, preference, procedure or summary."
            : string.IsNullOrWhiteSpace(text) || text.Length > 1000 ? "'text' must be 1 to 1000 characters."
            : subject is not null && !SubjectPattern().IsMatch(subject) ? "'subject' must match ^[a-z0-9_.]{1,64}$."
            : value is { Length: > 1000 } ? "'value' must be at most 1000 characters."
            : !item.TryGetProperty("importance", out JsonElement imp) || imp.ValueKind != JsonValueKind.Number ||
              imp.GetDouble() is < 0 or > 1 ? "'importance' must be a number from 0 to 1."
            : !item.TryGetProperty("turn", out JsonElement t) || t.ValueKind != JsonValueKind.Number ||
              !t.TryGetInt32(out int turn) || turn < 0 || turn >= turns.Count ? $"'turn' must be an index from 0 to {turns.Count - 1}."
            : string.Empty;
        if (error.Length > 0)
        {
            return false;
        }

        DateTimeOffset? from = null;
        if (validFrom is not null)
        {
            if (!DateTimeOffset.TryParse(validFrom, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset parsed))
            {
                error = "'valid_from' must be an ISO 8601 date-time or null.";
                return false;
            }

            from = parsed;
        }

        int turnIndex = item.GetProperty("turn").GetInt32();
        memory = new ExtractedMemory(
            kind!.Value, text!.Trim(), subject, value, from, (float)item.GetProperty("importance").GetDouble(), turns[turnIndex].Offset);
        return true;
    }

    private static string? Str(JsonElement item, string name) =>
        item.TryGetProperty(name, out JsonElement e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    // Models often wrap JSON in a Markdown fence despite being asked not to; that alone is not worth a retry.
    private static string StripFence(string output)
    {
        string s = output.Trim();
        if (s.StartsWith("```", StringComparison.Ordinal))
        {
            int firstLine = s.IndexOf('\n', StringComparison.Ordinal);
            int end = s.LastIndexOf("```", StringComparison.Ordinal);
            if (firstLine > 0 && end > firstLine)
            {
                return s[(firstLine + 1)..end];
            }
        }

        return s;
    }

    [GeneratedRegex("^[a-z0-9_.]{1,64}$")]
    private static partial Regex SubjectPattern();
}
