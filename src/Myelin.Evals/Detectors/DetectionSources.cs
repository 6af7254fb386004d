using System.Text.Json;
using Myelin.Core.Log;
using Myelin.Evals.Datasets;
using Myelin.Evals.Experiments;
using Myelin.Evals.Internal;
using Myelin.Evals.Tracing;

namespace Myelin.Evals.Detectors;

/// <summary>Builds detector input from what the system records: a session's stored spans (online) or an experiment run (offline).</summary>
public static class DetectionSources
{
    /// <summary>
    /// One turn per chat span of the session that recorded its messages, by start time: the last user message, the output
    /// text, system instructions and tool results as context, and the span's trace id.
    /// </summary>
    public static Conversation FromSessionSpans(string sessionId, IReadOnlyList<ExperienceRecord> spans)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        ArgumentNullException.ThrowIfNull(spans);
        var turns = new List<(DateTimeOffset Start, ConversationTurn Turn)>();
        foreach (ExperienceRecord record in spans)
        {
            using JsonDocument doc = JsonDocument.Parse(record.PayloadJson);
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("attributes", out JsonElement attributes) || attributes.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            List<(string Role, string Text)>? input = SpanMessages.Read(attributes, GenAiAttributes.InputMessages);
            List<(string Role, string Text)>? output = SpanMessages.Read(attributes, GenAiAttributes.OutputMessages);
            string? user = input?.LastOrDefault(m => m.Role == "user").Text;
            if (string.IsNullOrWhiteSpace(user) || output is null)
            {
                continue;
            }

            List<string> context = [.. input!.Where(m => m.Role is "system" or "tool").Select(m => m.Text).Where(t => t.Length > 0)];
            context.AddRange(SpanMessages.Read(attributes, GenAiAttributes.SystemInstructions)?.Select(m => m.Text).Where(t => t.Length > 0) ?? []);
            DateTimeOffset start = root.TryGetProperty("startTime", out JsonElement s) && s.TryGetDateTimeOffset(out DateTimeOffset t) ? t : record.Timestamp;
            turns.Add((start, new ConversationTurn
            {
                User = user,
                Assistant = string.Join("\n", output.Where(m => m.Role == "assistant").Select(m => m.Text)),
                TraceId = record.TraceId,
                Context = context,
            }));
        }

        return new Conversation(sessionId, [.. turns.OrderBy(x => x.Start).Select(x => x.Turn)]);
    }

    /// <summary>One single-turn conversation per answered item of a run, with the item's golden answer and context.</summary>
    /// <param name="run">The run.</param>
    /// <param name="items">The dataset version's items (for context), matched by id.</param>
    public static IReadOnlyList<Conversation> FromExperiment(ExperimentRun run, IReadOnlyList<DatasetItem> items)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(items);
        Dictionary<string, DatasetItem> byId = items.Where(i => i.Id is not null).ToDictionary(i => i.Id!, StringComparer.Ordinal);
        return
        [
            .. run.Items.Where(i => i.Output is not null).Select(i => new Conversation(
                $"{run.Id}/{i.ItemId}",
                [new ConversationTurn
                {
                    User = i.Input,
                    Assistant = i.Output!,
                    ExpectedOutput = i.ExpectedOutput,
                    Context = byId.TryGetValue(i.ItemId, out DatasetItem? item) ? item.Context : [],
                }])),
        ];
    }
}
