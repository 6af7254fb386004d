using System.Text.Json;
using Myelin.Core.Log;

namespace Myelin.Server.Endpoints;

/// <content>Orders a trace's spans depth-first from its roots, children by start time, without recursion.</content>
public static partial class TracesApi
{
    private static List<TraceSpanOutput> BuildTree(List<ExperienceRecord> records)
    {
        var nodes = new Dictionary<string, (JsonElement Span, string? Parent, DateTimeOffset Start)>(StringComparer.Ordinal);
        foreach (ExperienceRecord record in records)
        {
            using JsonDocument doc = JsonDocument.Parse(record.PayloadJson);
            JsonElement span = doc.RootElement.Clone();
            string spanId = span.ValueKind == JsonValueKind.Object && span.TryGetProperty("spanId", out JsonElement s) && s.ValueKind == JsonValueKind.String
                ? s.GetString()!
                : "offset-" + record.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture);
            string? parent = span.ValueKind == JsonValueKind.Object && span.TryGetProperty("parentSpanId", out JsonElement p) && p.ValueKind == JsonValueKind.String
                ? p.GetString()
                : null;
            nodes.TryAdd(spanId, (span, parent, record.Timestamp));
        }

        var children = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var roots = new List<string>();
        foreach ((string id, (JsonElement _, string? parent, DateTimeOffset _)) in nodes)
        {
            // A span whose parent never arrived (or that points at itself) is shown as a root rather than lost.
            if (parent is not null && parent != id && nodes.ContainsKey(parent))
            {
                (children.TryGetValue(parent, out List<string>? list) ? list : children[parent] = []).Add(id);
            }
            else
            {
                roots.Add(id);
            }
        }

        Comparison<string> byStart = (a, b) => nodes[a].Start.CompareTo(nodes[b].Start) is var c && c != 0 ? c : string.CompareOrdinal(a, b);
        roots.Sort(byStart);
        foreach (List<string> list in children.Values)
        {
            list.Sort(byStart);
        }

        var output = new List<TraceSpanOutput>(nodes.Count);
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<(string Id, int Depth)>();
        for (int i = roots.Count - 1; i >= 0; i--)
        {
            stack.Push((roots[i], 0));
        }

        while (stack.Count > 0)
        {
            (string id, int depth) = stack.Pop();
            if (!visited.Add(id))
            {
                continue;
            }

            List<string> kids = children.TryGetValue(id, out List<string>? k) ? k : [];
            output.Add(new TraceSpanOutput(id, nodes[id].Parent, depth, kids, nodes[id].Span));
            for (int i = kids.Count - 1; i >= 0; i--)
            {
                stack.Push((kids[i], depth + 1));
            }
        }

        // Spans caught in a parent cycle are unreachable from any root; they are still returned, at depth 0.
        foreach (string id in nodes.Keys.Where(id => !visited.Contains(id)).ToList())
        {
            output.Add(new TraceSpanOutput(id, nodes[id].Parent, 0, children.TryGetValue(id, out List<string>? k) ? k : [], nodes[id].Span));
        }

        return output;
    }
}
