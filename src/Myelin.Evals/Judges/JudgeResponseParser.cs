using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Myelin.Evals.Judges;

/// <summary>
/// Parses the strict judge answer format: exactly one JSON object <c>{"score": &lt;integer in range&gt;, "reason": "&lt;text&gt;"}</c>
/// and nothing else (a Markdown <c>json</c> code fence around it is tolerated).
/// </summary>
public static class JudgeResponseParser
{
    /// <summary>The format instruction appended to every rubric's system prompt.</summary>
    public static string FormatInstruction(RubricTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return $"Reply with only one JSON object and nothing else: {{\"score\": <integer from {template.MinScore} to {template.MaxScore}>, \"reason\": \"<one sentence>\"}}";
    }

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says what was wrong.</summary>
    public static bool TryParse(string? text, RubricTemplate template, [NotNullWhen(true)] out JudgeVerdict? verdict, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(template);
        verdict = null;
        string body = (text ?? string.Empty).Trim();
        if (body.StartsWith("```", StringComparison.Ordinal) && body.EndsWith("```", StringComparison.Ordinal) && body.Length >= 6)
        {
            int newline = body.IndexOf('\n', StringComparison.Ordinal);
            body = newline < 0 ? body : body[(newline + 1)..^3].Trim();
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            error = "the reply is not a JSON object";
            return false;
        }

        using (doc)
        {
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "the reply is not a JSON object";
                return false;
            }

            foreach (JsonProperty property in root.EnumerateObject())
            {
                if (property.Name is not ("score" or "reason"))
                {
                    error = $"unexpected property '{property.Name}' (only score and reason)";
                    return false;
                }
            }

            if (!root.TryGetProperty("score", out JsonElement score) || score.ValueKind != JsonValueKind.Number || !score.TryGetInt32(out int value))
            {
                error = "'score' must be an integer";
                return false;
            }

            if (value < template.MinScore || value > template.MaxScore)
            {
                error = $"'score' {value} is outside {template.MinScore}-{template.MaxScore}";
                return false;
            }

            if (!root.TryGetProperty("reason", out JsonElement reason) || reason.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(reason.GetString()))
            {
                error = "'reason' must be a non-empty string";
                return false;
            }

            verdict = new JudgeVerdict(value, reason.GetString()!.Trim());
            error = null;
            return true;
        }
    }
}
