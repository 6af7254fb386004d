using System.Text.Json;
using ModelContextProtocol.Protocol;

namespace Myelin.Server;

/// <summary>Tool arguments written as JSON text, and the structured result of a tool call.</summary>
public static class McpArguments
{
    public static IReadOnlyDictionary<string, object?> Parse(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone(), StringComparer.Ordinal);
    }

    public static JsonElement Structured(CallToolResult result)
    {
        Assert.True(result.IsError != true, string.Join("\n", result.Content.OfType<TextContentBlock>().Select(c => c.Text)));
        return Assert.IsType<JsonElement>(result.StructuredContent);
    }
}
