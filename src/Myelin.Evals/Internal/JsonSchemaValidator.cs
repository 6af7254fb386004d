using System.Globalization;
using System.Text.Json;

namespace Myelin.Evals.Internal;

/// <summary>A validator for the JSON Schema subset <see cref="Evaluators.JsonSchemaEvaluator"/> documents. Errors carry JSON Pointer paths.</summary>
internal sealed class JsonSchemaValidator
{
    private static readonly HashSet<string> s_keywords =
    [
        "type", "required", "properties", "additionalProperties", "enum", "const", "items", "minItems", "maxItems",
        "minimum", "maximum", "minLength", "maxLength", "$schema", "$id", "title", "description", "default", "examples",
    ];

    private readonly JsonElement _schema;

    private JsonSchemaValidator(JsonElement schema) => _schema = schema;

    public static JsonSchemaValidator Load(string schemaJson)
    {
        JsonElement schema;
        try
        {
            using JsonDocument doc = JsonDocument.Parse(schemaJson);
            schema = doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new ArgumentException("The schema is not valid JSON: " + e.Message, nameof(schemaJson));
        }

        CheckSchema(schema, "#");
        return new JsonSchemaValidator(schema);
    }

    public List<string> Validate(JsonElement value)
    {
        var errors = new List<string>();
        Validate(_schema, value, string.Empty, errors);
        return errors;
    }

    private static void CheckSchema(JsonElement schema, string path)
    {
        if (schema.ValueKind == JsonValueKind.True || schema.ValueKind == JsonValueKind.False)
        {
            return;
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"Schema at '{path}' must be an object or a boolean.", "schemaJson");
        }

        foreach (JsonProperty keyword in schema.EnumerateObject())
        {
            if (!s_keywords.Contains(keyword.Name))
            {
                throw new ArgumentException($"Schema keyword '{keyword.Name}' at '{path}' is not supported (supported: {string.Join(", ", s_keywords.Take(12))}).", "schemaJson");
            }
        }

        if (schema.TryGetProperty("properties", out JsonElement properties))
        {
            foreach (JsonProperty property in properties.EnumerateObject())
            {
                CheckSchema(property.Value, $"{path}/properties/{property.Name}");
            }
        }

        if (schema.TryGetProperty("items", out JsonElement items))
        {
            CheckSchema(items, path + "/items");
        }
    }

    private static void Validate(JsonElement schema, JsonElement value, string pointer, List<string> errors)
    {
        if (schema.ValueKind == JsonValueKind.False)
        {
            errors.Add($"{Where(pointer)}: no value is allowed here");
            return;
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (schema.TryGetProperty("type", out JsonElement type) && !TypeMatches(type, value))
        {
            errors.Add($"{Where(pointer)}: expected {Describe(type)}, got {Kind(value)}");
            return;
        }

        if (schema.TryGetProperty("enum", out JsonElement options) && !options.EnumerateArray().Any(o => JsonElement.DeepEquals(o, value)))
        {
            errors.Add($"{Where(pointer)}: {value.GetRawText()} is not one of {options.GetRawText()}");
        }

        if (schema.TryGetProperty("const", out JsonElement constant) && !JsonElement.DeepEquals(constant, value))
        {
            errors.Add($"{Where(pointer)}: must equal {constant.GetRawText()}");
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                ValidateObject(schema, value, pointer, errors);
                break;
            case JsonValueKind.Array:
                ValidateArray(schema, value, pointer, errors);
                break;
            case JsonValueKind.String:
                int length = new StringInfo(value.GetString()!).LengthInTextElements;
                Bound(schema, "minLength", length, pointer, errors, (limit, v) => v >= limit, "shorter than");
                Bound(schema, "maxLength", length, pointer, errors, (limit, v) => v <= limit, "longer than");
                break;
            case JsonValueKind.Number:
                double number = value.GetDouble();
                Bound(schema, "minimum", number, pointer, errors, (limit, v) => v >= limit, "less than");
                Bound(schema, "maximum", number, pointer, errors, (limit, v) => v <= limit, "greater than");
                break;
        }
    }

    private static void ValidateObject(JsonElement schema, JsonElement value, string pointer, List<string> errors)
    {
        if (schema.TryGetProperty("required", out JsonElement required))
        {
            foreach (JsonElement name in required.EnumerateArray())
            {
                if (!value.TryGetProperty(name.GetString()!, out _))
                {
                    errors.Add($"{Where(pointer)}: required property '{name.GetString()}' is missing");
                }
            }
        }

        bool hasProperties = schema.TryGetProperty("properties", out JsonElement properties);
        bool closed = schema.TryGetProperty("additionalProperties", out JsonElement additional) && additional.ValueKind == JsonValueKind.False;
        foreach (JsonProperty property in value.EnumerateObject())
        {
            string child = pointer + "/" + property.Name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
            if (hasProperties && properties.TryGetProperty(property.Name, out JsonElement propertySchema))
            {
                Validate(propertySchema, property.Value, child, errors);
            }
            else if (closed)
            {
                errors.Add($"{Where(child)}: property '{property.Name}' is not allowed");
            }
        }
    }

    private static void ValidateArray(JsonElement schema, JsonElement value, string pointer, List<string> errors)
    {
        int count = value.GetArrayLength();
        Bound(schema, "minItems", count, pointer, errors, (limit, v) => v >= limit, "fewer items than");
        Bound(schema, "maxItems", count, pointer, errors, (limit, v) => v <= limit, "more items than");
        if (schema.TryGetProperty("items", out JsonElement items))
        {
            int index = 0;
            foreach (JsonElement item in value.EnumerateArray())
            {
                Validate(items, item, pointer + "/" + index.ToString(CultureInfo.InvariantCulture), errors);
                index++;
            }
        }
    }

    private static void Bound(JsonElement schema, string keyword, double actual, string pointer, List<string> errors, Func<double, double, bool> ok, string words)
    {
        if (schema.TryGetProperty(keyword, out JsonElement limit) && limit.ValueKind == JsonValueKind.Number && !ok(limit.GetDouble(), actual))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{Where(pointer)}: {actual} is {words} {keyword} {limit.GetDouble()}"));
        }
    }

    private static bool TypeMatches(JsonElement type, JsonElement value) => type.ValueKind == JsonValueKind.Array
        ? type.EnumerateArray().Any(t => TypeMatches(t, value))
        : type.GetString() switch
        {
            "string" => value.ValueKind == JsonValueKind.String,
            "number" => value.ValueKind == JsonValueKind.Number,
            "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double d) && d == Math.Floor(d),
            "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            "object" => value.ValueKind == JsonValueKind.Object,
            "array" => value.ValueKind == JsonValueKind.Array,
            "null" => value.ValueKind == JsonValueKind.Null,
            _ => false,
        };

    private static string Describe(JsonElement type) => type.ValueKind == JsonValueKind.Array
        ? string.Join(" or ", type.EnumerateArray().Select(t => t.GetString()))
        : type.GetString() ?? "?";

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => value.ValueKind.ToString().ToLowerInvariant(),
    };

    private static string Where(string pointer) => pointer.Length == 0 ? "(root)" : pointer;
}
