using System.Text;
using System.Text.Json;
using Myelin.Core;
using Myelin.Core.Log;
using Myelin.Evals.Tracing;

namespace Myelin.Evals.Datasets;

/// <summary>Turns a stored trace into a dataset item: its input messages become the input, its output messages the expected output.</summary>
/// <remarks>
/// The first span (by start time) with <c>gen_ai.input.messages</c> gives the input: the text of its last user message;
/// its system instructions (<c>gen_ai.system_instructions</c> or system messages) and tool results become context. The
/// last span with <c>gen_ai.output.messages</c> gives the expected output. Metadata records <c>traceId</c>,
/// <c>sessionId</c> and <c>model</c> where known, and the item id is <c>trace-{traceId}</c>. Messages are only stored
/// when the traced client captured content (opt-in), so a trace without them is refused with a message saying so.
/// </remarks>
public static class TraceDatasetItems
{
    /// <summary>Builds the item of one trace from its span records.</summary>
    /// <exception cref="MyelinValidationException">The spans carry no input or output messages.</exception>
    public static DatasetItem FromSpans(string traceId, IReadOnlyList<ExperienceRecord> spans)
    {
        ArgumentException.ThrowIfNullOrEmpty(traceId);
        ArgumentNullException.ThrowIfNull(spans);
        var parsed = new List<(DateTimeOffset Start, DateTimeOffset End, JsonElement Attributes, string? Session)>();
        var docs = new List<JsonDocument>();
        try
        {
            foreach (ExperienceRecord record in spans)
            {
                JsonDocument doc = JsonDocument.Parse(record.PayloadJson);
                docs.Add(doc);
                JsonElement root = doc.RootElement;
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("attributes", out JsonElement attributes)
                    && attributes.ValueKind == JsonValueKind.Object)
                {
                    parsed.Add((Time(root, "startTime"), Time(root, "endTime"), attributes, record.SessionId));
                }
            }

            var byStart = parsed.OrderBy(p => p.Start).ToList();
            var withInput = byStart.FirstOrDefault(p => Messages(p.Attributes, GenAiAttributes.InputMessages) is not null);
            var withOutput = byStart.OrderBy(p => p.End).LastOrDefault(p => Messages(p.Attributes, GenAiAttributes.OutputMessages) is not null);
            if (withInput.Attributes.ValueKind == JsonValueKind.Undefined || withOutput.Attributes.ValueKind == JsonValueKind.Undefined)
            {
                throw new MyelinValidationException(
                    "trace_without_messages",
                    $"Trace '{traceId}' has no recorded input and output messages; content capture is opt-in (EnableSensitiveData).");
            }

            List<(string Role, string Text)> input = Messages(withInput.Attributes, GenAiAttributes.InputMessages)!;
            List<(string Role, string Text)> output = Messages(withOutput.Attributes, GenAiAttributes.OutputMessages)!;
            string question = input.LastOrDefault(m => m.Role == "user").Text ?? (input.Count > 0 ? input[^1].Text : string.Empty);
            if (string.IsNullOrWhiteSpace(question))
            {
                throw new MyelinValidationException("trace_without_messages", $"Trace '{traceId}' has no user message text to use as the input.");
            }

            var context = new List<string>();
            if (Messages(withInput.Attributes, GenAiAttributes.SystemInstructions) is { } system)
            {
                context.AddRange(system.Select(m => m.Text).Where(t => t.Length > 0));
            }

            context.AddRange(input.Where(m => m.Role is "system" or "tool").Select(m => m.Text).Where(t => t.Length > 0));
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["traceId"] = traceId };
            if (withInput.Session is { } session)
            {
                metadata["sessionId"] = session;
            }

            if ((Text(withOutput.Attributes, GenAiAttributes.ResponseModel) ?? Text(withOutput.Attributes, GenAiAttributes.RequestModel)) is { } model)
            {
                metadata["model"] = model;
            }

            return new DatasetItem
            {
                Id = "trace-" + traceId,
                Input = question,
                ExpectedOutput = string.Join("\n", output.Where(m => m.Role == "assistant" || output.Count == 1).Select(m => m.Text)),
                Context = context,
                Metadata = metadata,
            };
        }
        finally
        {
            foreach (JsonDocument doc in docs)
            {
                doc.Dispose();
            }
        }
    }

    private static List<(string Role, string Text)>? Messages(JsonElement attributes, string name)
    {
        if (!attributes.TryGetProperty(name, out JsonElement value))
        {
            return null;
        }

        // Our tracer stores the messages as a JSON string; OTLP senders may also send them structured.
        JsonElement messages = value;
        JsonDocument? owned = null;
        try
        {
            if (value.ValueKind == JsonValueKind.String)
            {
                try
                {
                    owned = JsonDocument.Parse(value.GetString()!);
                    messages = owned.RootElement;
                }
                catch (JsonException)
                {
                    return [("user", value.GetString()!)];
                }
            }

            if (messages.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var result = new List<(string, string)>();
            foreach (JsonElement message in messages.EnumerateArray())
            {
                result.Add(MessageText(message));
            }

            return result;
        }
        finally
        {
            owned?.Dispose();
        }
    }

    private static (string Role, string Text) MessageText(JsonElement message)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            return ("user", message.ValueKind == JsonValueKind.String ? message.GetString()! : string.Empty);
        }

        string role = message.TryGetProperty("role", out JsonElement r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "system";
        var text = new StringBuilder();
        if (message.TryGetProperty("parts", out JsonElement parts) && parts.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement part in parts.EnumerateArray())
            {
                string? type = part.TryGetProperty("type", out JsonElement t) ? t.GetString() : null;
                string? content = type switch
                {
                    "text" when part.TryGetProperty("content", out JsonElement c) && c.ValueKind == JsonValueKind.String => c.GetString(),
                    "tool_call_response" when part.TryGetProperty("response", out JsonElement c) && c.ValueKind == JsonValueKind.String => c.GetString(),
                    _ => null,
                };
                if (content is not null)
                {
                    text.Append(text.Length > 0 ? "\n" : string.Empty).Append(content);
                }
            }
        }
        else if (message.TryGetProperty("content", out JsonElement content) && content.ValueKind == JsonValueKind.String)
        {
            text.Append(content.GetString());
        }

        return (role, text.ToString());
    }

    private static string? Text(JsonElement attributes, string name) =>
        attributes.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static DateTimeOffset Time(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.TryGetDateTimeOffset(out DateTimeOffset time) ? time : DateTimeOffset.MinValue;
}
