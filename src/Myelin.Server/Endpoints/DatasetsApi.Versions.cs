using System.Text;
using System.Text.Json;
using Microsoft.Net.Http.Headers;
using Myelin.Core;
using Myelin.Core.Log;
using Myelin.Core.Storage;
using Myelin.Evals.Datasets;
using Myelin.Server.Auth;
using Myelin.Server.Http;

namespace Myelin.Server.Endpoints;

/// <summary>Adding dataset versions from items, traces or uploaded files.</summary>
public static partial class DatasetsApi
{
    /// <summary>The JSON media type (a body of <c>{items, traceIds, base}</c>).</summary>
    public const string JsonContentType = "application/json";

    /// <summary>The JSON Lines media type (one item per line).</summary>
    public const string JsonlContentType = "application/x-ndjson";

    /// <summary>The CSV media type.</summary>
    public const string CsvContentType = "text/csv";

    /// <summary>The most traces one request turns into items.</summary>
    public const int MaxTraces = 1000;

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static async Task<IResult> AddVersionAsync(string name, string? @base, HttpContext context, IDatasetStore store, IMyelinStorage storage)
    {
        Principal principal = context.RequireMyelinPrincipal();
        string? mediaType = MediaTypeHeaderValue.TryParse(context.Request.ContentType, out MediaTypeHeaderValue? parsed)
            ? parsed.MediaType.Value?.ToLowerInvariant()
            : null;
        if (mediaType is not (JsonContentType or JsonlContentType or "application/jsonl" or "application/x-jsonlines" or CsvContentType))
        {
            return Problems.Result(
                StatusCodes.Status415UnsupportedMediaType,
                "unsupported_media_type",
                $"Send items as '{JsonContentType}' ({{items, traceIds, base}}), '{JsonlContentType}' or '{CsvContentType}', not '{context.Request.ContentType}'.");
        }

        // Everything is parsed and validated before the store is touched, so a bad body writes nothing.
        string body = await ReadTextAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        var items = new List<DatasetItem>();
        if (mediaType == JsonContentType)
        {
            (List<DatasetItem> listed, List<string> traceIds, string? jsonBase) = ReadJsonBody(body);
            @base ??= jsonBase;
            items.AddRange(listed);
            foreach (string traceId in traceIds)
            {
                items.Add(await TraceItemAsync(storage, principal.Tenant, traceId, context.RequestAborted).ConfigureAwait(false));
            }
        }
        else
        {
            items.AddRange(mediaType == CsvContentType ? DatasetCsv.Read(body) : DatasetJsonl.Read(body));
        }

        if (@base is not null)
        {
            IReadOnlyList<DatasetItem> baseItems = await store.GetItemsAsync(principal.Tenant, name, @base, context.RequestAborted).ConfigureAwait(false);
            items.InsertRange(0, baseItems);
        }

        if (items.Count == 0)
        {
            throw new MyelinValidationException("empty_version", "A dataset version needs at least one item.");
        }

        DatasetVersionAdded added = await store.AddVersionAsync(principal.Tenant, name, items, context.RequestAborted).ConfigureAwait(false);
        var output = new DatasetVersionAddedOutput(ToOutput(added.Version), added.Created);
        return added.Created
            ? TypedResults.Created($"/api/datasets/{name}/versions/{added.Version.Id}", output)
            : TypedResults.Ok(output);
    }

    private static (List<DatasetItem> Items, List<string> TraceIds, string? Base) ReadJsonBody(string body)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw new MyelinValidationException("invalid_json", "The request body is not valid JSON: " + e.Message);
        }

        using (doc)
        {
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new MyelinValidationException("invalid_body", "The body must be a JSON object: {items, traceIds, base}.");
            }

            var items = new List<DatasetItem>();
            var traceIds = new List<string>();
            string? @base = null;
            foreach (JsonProperty property in root.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "items" when property.Value.ValueKind == JsonValueKind.Array:
                        int index = 0;
                        foreach (JsonElement item in property.Value.EnumerateArray())
                        {
                            items.Add(DatasetJsonl.ReadItem(item, $"items[{index++}]"));
                        }

                        break;
                    case "traceIds" when property.Value.ValueKind == JsonValueKind.Array:
                        foreach (JsonElement id in property.Value.EnumerateArray())
                        {
                            traceIds.Add(TraceId(id));
                        }

                        break;
                    case "base" when property.Value.ValueKind is JsonValueKind.String or JsonValueKind.Null:
                        @base = property.Value.GetString();
                        break;
                    default:
                        throw new MyelinValidationException(
                            "invalid_body", $"Field '{property.Name}' is not expected here (use items: [..], traceIds: [..], base: \"<version>\").");
                }
            }

            if (traceIds.Count > MaxTraces)
            {
                throw new MyelinValidationException("too_many_traces", $"At most {MaxTraces} traces per request, got {traceIds.Count}.");
            }

            return (items, traceIds, @base);
        }
    }

    private static string TraceId(JsonElement id)
    {
        string? text = id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        if (text is null || text.Length != 32 || !text.All(char.IsAsciiHexDigit))
        {
            throw new MyelinValidationException("invalid_trace_id", $"traceIds: '{id}' is not a trace id: use 32 hex characters.");
        }

        return text.ToLowerInvariant();
    }

    private static async Task<DatasetItem> TraceItemAsync(IMyelinStorage storage, TenantId tenant, string traceId, CancellationToken cancellationToken)
    {
        var spans = new List<ExperienceRecord>();
        long after = 0;
        while (spans.Count < TracesApi.MaxSpans)
        {
            IReadOnlyList<ExperienceRecord> page = await storage.Log.QueryAsync(
                tenant, new LogQuery { TraceId = traceId, Kinds = [ExperienceKinds.Span], AfterOffset = after, Limit = 1000 }, cancellationToken)
                .ConfigureAwait(false);
            spans.AddRange(page);
            if (page.Count < 1000)
            {
                break;
            }

            after = page[^1].Offset;
        }

        if (spans.Count == 0)
        {
            throw new MyelinNotFoundException("trace_not_found", $"No spans of trace '{traceId}' are stored in this tenant.");
        }

        return TraceDatasetItems.FromSpans(traceId, spans);
    }

    private static async Task<string> ReadTextAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body, s_strictUtf8, detectEncodingFromByteOrderMarks: false);
        try
        {
            return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DecoderFallbackException)
        {
            throw new MyelinValidationException("invalid_encoding", "The body is not valid UTF-8.");
        }
    }
}
