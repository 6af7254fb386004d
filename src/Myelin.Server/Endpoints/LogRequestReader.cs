using System.Text.Json;
using Myelin.Core;
using Myelin.Core.Log;

namespace Myelin.Server.Endpoints;

/// <summary>Parses a <c>POST /api/log</c> body with errors that name the record and field at fault.</summary>
internal static class LogRequestReader
{
    private static readonly JsonDocumentOptions s_options = new() { MaxDepth = 64 };

    public static async Task<List<NewExperienceRecord>> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, s_options, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw new MyelinValidationException("invalid_json", "The request body is not valid JSON: " + ex.Message);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
            {
                throw new MyelinValidationException("invalid_body", "The body must be a JSON array of records.");
            }

            var records = new List<NewExperienceRecord>(root.GetArrayLength());
            int index = 0;
            foreach (JsonElement element in root.EnumerateArray())
            {
                records.Add(ReadRecord(element, index++));
            }

            ExperienceRecordRules.Validate(records);
            return records;
        }
    }

    private static NewExperienceRecord ReadRecord(JsonElement element, int index)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(index, "must be a JSON object");
        }

        string? kind = null;
        string? payload = null;
        DateTimeOffset? timestamp = null;
        string? traceId = null, sessionId = null, episodeId = null, idempotencyKey = null;
        foreach (JsonProperty property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "kind":
                    kind = String(property, index);
                    break;
                case "payload":
                    payload = property.Value.GetRawText();
                    break;
                case "timestamp":
                    timestamp = Timestamp(property, index);
                    break;
                case "traceId":
                    traceId = String(property, index);
                    break;
                case "sessionId":
                    sessionId = String(property, index);
                    break;
                case "episodeId":
                    episodeId = String(property, index);
                    break;
                case "idempotencyKey":
                    idempotencyKey = String(property, index);
                    break;
                default:
                    throw Invalid(index, $"has unknown field '{property.Name}' (allowed: kind, payload, timestamp, traceId, sessionId, episodeId, idempotencyKey)");
            }
        }

        if (kind is null)
        {
            throw Invalid(index, "is missing 'kind'");
        }

        return new NewExperienceRecord(kind, payload ?? "null", timestamp, traceId, sessionId, episodeId, idempotencyKey);
    }

    private static string? String(JsonProperty property, int index) => property.Value.ValueKind switch
    {
        JsonValueKind.String => property.Value.GetString(),
        JsonValueKind.Null => null,
        _ => throw Invalid(index, $"field '{property.Name}' must be a string"),
    };

    private static DateTimeOffset? Timestamp(JsonProperty property, int index)
    {
        if (property.Value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (property.Value.ValueKind == JsonValueKind.String && property.Value.TryGetDateTimeOffset(out DateTimeOffset value))
        {
            return value;
        }

        throw Invalid(index, "field 'timestamp' must be an ISO 8601 date-time string");
    }

    private static MyelinValidationException Invalid(int index, string problem) =>
        new("invalid_record", $"Record [{index}] {problem}.");
}
