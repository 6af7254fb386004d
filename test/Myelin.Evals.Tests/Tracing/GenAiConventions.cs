using System.Text.Json;

namespace Myelin.Evals.Tracing;

/// <summary>The GenAI semantic conventions as data: attribute types and what each operation requires.</summary>
public static class GenAiConventions
{
    public enum AttrType
    {
        String,
        Int,
        Double,
        StringArray,
    }

    public static readonly IReadOnlyDictionary<string, AttrType> Types = new Dictionary<string, AttrType>
    {
        ["gen_ai.operation.name"] = AttrType.String,
        ["gen_ai.provider.name"] = AttrType.String,
        ["gen_ai.request.model"] = AttrType.String,
        ["gen_ai.request.temperature"] = AttrType.Double,
        ["gen_ai.request.top_p"] = AttrType.Double,
        ["gen_ai.request.top_k"] = AttrType.Double,
        ["gen_ai.request.max_tokens"] = AttrType.Int,
        ["gen_ai.request.frequency_penalty"] = AttrType.Double,
        ["gen_ai.request.presence_penalty"] = AttrType.Double,
        ["gen_ai.request.seed"] = AttrType.Int,
        ["gen_ai.request.stop_sequences"] = AttrType.StringArray,
        ["gen_ai.response.id"] = AttrType.String,
        ["gen_ai.response.model"] = AttrType.String,
        ["gen_ai.response.finish_reasons"] = AttrType.StringArray,
        ["gen_ai.usage.input_tokens"] = AttrType.Int,
        ["gen_ai.usage.output_tokens"] = AttrType.Int,
        ["gen_ai.usage.cache_read.input_tokens"] = AttrType.Int,
        ["gen_ai.conversation.id"] = AttrType.String,
        ["gen_ai.output.type"] = AttrType.String,
        ["gen_ai.input.messages"] = AttrType.String,
        ["gen_ai.output.messages"] = AttrType.String,
        ["gen_ai.system_instructions"] = AttrType.String,
        ["gen_ai.tool.name"] = AttrType.String,
        ["gen_ai.tool.call.id"] = AttrType.String,
        ["gen_ai.tool.type"] = AttrType.String,
        ["gen_ai.tool.description"] = AttrType.String,
        ["gen_ai.agent.name"] = AttrType.String,
        ["gen_ai.agent.id"] = AttrType.String,
        ["error.type"] = AttrType.String,
        ["server.address"] = AttrType.String,
        ["server.port"] = AttrType.Int,
        ["user.id"] = AttrType.String,
        ["myelin.cost.usd"] = AttrType.Double,
    };

    public static readonly IReadOnlyDictionary<string, string[]> Required = new Dictionary<string, string[]>
    {
        ["chat"] = ["gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.request.model"],
        ["execute_tool"] = ["gen_ai.operation.name", "gen_ai.tool.name"],
        ["invoke_agent"] = ["gen_ai.operation.name", "gen_ai.provider.name"],
    };

    public static readonly IReadOnlyDictionary<string, string> NameSuffixAttribute = new Dictionary<string, string>
    {
        ["chat"] = "gen_ai.request.model",
        ["execute_tool"] = "gen_ai.tool.name",
        ["invoke_agent"] = "gen_ai.agent.name",
    };

    /// <summary>Checks a span given as name, kind and attribute lookup; returns the violations.</summary>
    public static List<string> Check(string name, string kind, IReadOnlyDictionary<string, object?> attributes)
    {
        var errors = new List<string>();
        if (attributes.GetValueOrDefault("gen_ai.operation.name") is not string op)
        {
            errors.Add("gen_ai.operation.name missing");
            return errors;
        }

        foreach (string required in Required[op])
        {
            if (!attributes.ContainsKey(required))
            {
                errors.Add($"{op}: required attribute {required} missing");
            }
        }

        string expectedName = attributes.GetValueOrDefault(NameSuffixAttribute[op]) is string suffix ? $"{op} {suffix}" : op;
        if (name != expectedName)
        {
            errors.Add($"span name '{name}' should be '{expectedName}'");
        }

        string expectedKind = op == "chat" ? "client" : kind == "client" && op == "invoke_agent" ? "client" : "internal";
        if (kind != expectedKind)
        {
            errors.Add($"{op}: kind {kind} should be {expectedKind}");
        }

        foreach ((string key, object? value) in attributes)
        {
            if (key.StartsWith("gen_ai.", StringComparison.Ordinal) && !Types.ContainsKey(key))
            {
                errors.Add($"unknown gen_ai attribute {key}");
            }

            if (Types.TryGetValue(key, out AttrType type) && !HasType(value, type))
            {
                errors.Add($"{key} should be {type}, was {value?.GetType().Name ?? "null"}");
            }
        }

        return errors;
    }

    /// <summary>The attributes of a stored span payload, typed back from JSON.</summary>
    public static Dictionary<string, object?> FromJson(JsonElement attributes)
    {
        var result = new Dictionary<string, object?>();
        foreach (JsonProperty p in attributes.EnumerateObject())
        {
            result[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString(),
                JsonValueKind.Number when p.Value.TryGetInt64(out long l) && !p.Value.GetRawText().Contains('.') => l,
                JsonValueKind.Number => p.Value.GetDouble(),
                JsonValueKind.True or JsonValueKind.False => p.Value.GetBoolean(),
                JsonValueKind.Array => p.Value.EnumerateArray().Select(e => e.ToString()).ToArray(),
                _ => null,
            };
        }

        return result;
    }

    private static bool HasType(object? value, AttrType type) => type switch
    {
        AttrType.String => value is string,
        AttrType.Int => value is int or long,
        AttrType.Double => value is double or float,
        AttrType.StringArray => value is string[],
        _ => false,
    };
}
