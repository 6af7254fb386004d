using System.Text.Json;
using ModelContextProtocol.Protocol;

namespace Myelin.Server.Mcp;

/// <summary>The names, descriptions and input schemas of the memory tools, as <c>tools/list</c> reports them.</summary>
internal static class MemoryMcpToolDefinitions
{
    public const string Remember = "remember";
    public const string Recall = "recall";
    public const string Forget = "forget";

    private const string UserIdSchema = """{"type": "string", "minLength": 1, "maxLength": 128, "description": "The end user whose memories these are (1-128 characters, no control characters)."}""";

    public static IList<Tool> All { get; } =
    [
        new Tool
        {
            Name = Remember,
            Title = "Remember conversation turns",
            Description = "Stores conversation turns of one user in long-term memory. Each turn is kept verbatim (as an episode) and "
                + "facts, preferences and plans are learned from it in the background, replacing older versions when they change. "
                + "Returns, per turn, its log offset and episode id. Needs a writer or admin key.",
            InputSchema = Schema($$"""
                {
                  "type": "object",
                  "properties": {
                    "userId": {{UserIdSchema}},
                    "agentId": {"type": "string", "description": "The agent, when memories are kept per agent."},
                    "sessionId": {"type": "string", "description": "The conversation the turns belong to; recall returns neighbouring turns of the same session."},
                    "turns": {
                      "type": "array", "minItems": 1, "maxItems": 1000, "description": "The turns, oldest first.",
                      "items": {
                        "type": "object",
                        "properties": {
                          "role": {"type": "string", "enum": ["user", "assistant", "system", "tool"], "description": "Who spoke."},
                          "text": {"type": "string", "minLength": 1, "description": "What was said."},
                          "speaker": {"type": "string", "description": "The speaker's name, if known (helps recall by name)."},
                          "timestamp": {"type": "string", "format": "date-time", "description": "When it was said (ISO 8601); now when absent."},
                          "idempotencyKey": {"type": "string", "description": "A retry with the same key is stored once."}
                        },
                        "required": ["role", "text"],
                        "additionalProperties": false
                      }
                    }
                  },
                  "required": ["userId", "turns"],
                  "additionalProperties": false
                }
                """),
            Annotations = new ToolAnnotations { ReadOnlyHint = false, DestructiveHint = false, IdempotentHint = false, OpenWorldHint = false },
        },
        new Tool
        {
            Name = Recall,
            Title = "Recall memories",
            Description = "Finds a user's memories relevant to a query: hybrid full-text and vector search, current facts before "
                + "superseded ones (unless the query is about the past). Returns hits best first, each with its fused score, whether "
                + "it was superseded, and neighbouring turns for episodes. Any key may recall.",
            InputSchema = Schema($$"""
                {
                  "type": "object",
                  "properties": {
                    "userId": {{UserIdSchema}},
                    "query": {"type": "string", "minLength": 1, "description": "What to find memories about, e.g. the user's latest message."},
                    "agentId": {"type": "string", "description": "Only this agent's (and shared) memories."},
                    "sessionId": {"type": "string", "description": "Only this session's memories."},
                    "kinds": {"type": "array", "items": {"type": "string", "enum": ["episode", "fact", "preference", "procedure", "summary"]}, "description": "Only these kinds."},
                    "validAt": {"type": "string", "format": "date-time", "description": "Answer as of this time (what was true then)."},
                    "from": {"type": "string", "format": "date-time", "description": "Only items valid from this time on."},
                    "to": {"type": "string", "format": "date-time", "description": "Only items valid from before this time."},
                    "limit": {"type": "integer", "minimum": 1, "maximum": 100, "description": "How many hits (default 10)."},
                    "neighbourTurns": {"type": "integer", "minimum": 0, "maximum": 5, "description": "Turns of context before and after each episode hit (default 1)."},
                    "aboutThePast": {"type": "boolean", "description": "Rank superseded items with current ones; decided from the query when absent."}
                  },
                  "required": ["userId", "query"],
                  "additionalProperties": false
                }
                """),
            Annotations = new ToolAnnotations { ReadOnlyHint = true, OpenWorldHint = false },
        },
        new Tool
        {
            Name = Forget,
            Title = "Forget a user",
            Description = "Permanently deletes everything remembered about one user: items, index entries, vectors, history, "
                + "quarantined extractor outputs and the content of their turns in the experience log. An audit record holding only "
                + "a hash of the user id remains. Returns how much was deleted. Needs an admin key.",
            InputSchema = Schema($$"""
                {
                  "type": "object",
                  "properties": {"userId": {{UserIdSchema}}},
                  "required": ["userId"],
                  "additionalProperties": false
                }
                """),
            Annotations = new ToolAnnotations { ReadOnlyHint = false, DestructiveHint = true, IdempotentHint = true, OpenWorldHint = false },
        },
    ];

    private static JsonElement Schema(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
