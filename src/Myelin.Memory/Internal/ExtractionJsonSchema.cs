using System.Text.Json;

namespace Myelin.Memory.Internal;

/// <summary>The JSON schema and instructions given to a model that extracts memories.</summary>
internal static class ExtractionJsonSchema
{
    public const string Text = """
        {
          "type": "object",
          "properties": {
            "memories": {
              "type": "array",
              "items": {
                "type": "object",
                "properties": {
                  "kind": { "type": "string", "enum": ["fact", "preference", "procedure", "summary"] },
                  "text": { "type": "string", "minLength": 1, "maxLength": 1000 },
                  "subject": { "type": ["string", "null"], "pattern": "^[a-z0-9_.]{1,64}$" },
                  "value": { "type": ["string", "null"], "maxLength": 1000 },
                  "valid_from": { "type": ["string", "null"], "format": "date-time" },
                  "importance": { "type": "number", "minimum": 0, "maximum": 1 },
                  "turn": { "type": "integer", "minimum": 0 }
                },
                "required": ["kind", "text", "importance", "turn"],
                "additionalProperties": false
              }
            }
          },
          "required": ["memories"],
          "additionalProperties": false
        }
        """;

    public const string Instructions = """
        You extract long-term memories about the user from conversation turns. Reply with JSON only, matching the schema.
        Each memory is a short self-contained statement that names the speaker. Use "subject" for slot-like facts that a
        later statement could contradict (for example "location.home", "work.employer", "opinion.jazz"), with "value"
        holding the slot's value. "turn" is the index of the turn the memory came from. Resolve relative dates against
        the turn's timestamp and give "valid_from" in ISO 8601 when the memory says when it became true. Reply
        {"memories": []} when there is nothing worth remembering.
        """;

    public static JsonElement Schema { get; } = JsonDocument.Parse(Text).RootElement.Clone();
}
