using System.Text.Json;
using Myelin.Core;
using Myelin.Core.Log;
using Myelin.Evals.Internal;
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
            var withInput = byStart.FirstOrDefault(p => SpanMessages.Read(p.Attributes, GenAiAttributes.InputMessages) is not null);
            var withOutput = byStart.OrderBy(p => p.End).LastOrDefault(p => SpanMessages.Read(p.Attributes, GenAiAttributes.OutputMessages) is not null);
            if (withInput.Attributes.ValueKind == JsonValueKind.Undefined || withOutput.Attributes.ValueKind == JsonValueKind.Undefined)
            {
                throw new MyelinValidationException(
                    "trace_without_messages",
                    $"Trace '{traceId}' has no recorded input and output messages; content capture is opt-in (EnableSensitiveData).");
            }

            List<(string Role, string Text)> input = SpanMessages.Read(withInput.Attributes, GenAiAttributes.InputMessages)!;
            List<(string Role, string Text)> output = SpanMessages.Read(withOutput.Attributes, GenAiAttributes.OutputMessages)!;
            string question = input.LastOrDefault(m => m.Role == "user").Text ?? (input.Count > 0 ? input[^1].Text : string.Empty);
            if (string.IsNullOrWhiteSpace(question))
            {
                throw new MyelinValidationException("trace_without_messages", $"Trace '{traceId}' has no user message text to use as the input.");
            }

            var context = new List<string>();
            if (SpanMessages.Read(withInput.Attributes, GenAiAttributes.SystemInstructions) is { } system)
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

    private static string? Text(JsonElement attributes, string name) =>
        attributes.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static DateTimeOffset Time(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.TryGetDateTimeOffset(out DateTimeOffset time) ? time : DateTimeOffset.MinValue;
}
