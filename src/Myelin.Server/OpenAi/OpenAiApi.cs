using System.Text.Json;
using Microsoft.Extensions.AI;
using Myelin.Core;
using Myelin.Inference.Chat;
using Myelin.Server.Auth;

namespace Myelin.Server.OpenAi;

/// <summary>
/// The OpenAI-compatible API over the served models: <c>GET /v1/models</c>, <c>POST /v1/chat/completions</c> and
/// <c>POST /v1/completions</c> (JSON or server-sent events), with <c>usage.prompt_tokens_details.cached_tokens</c> from
/// the prefix cache and, when asked for, each token's log-probability (chat's <c>logprobs.content</c>, completions'
/// legacy <c>{tokens, token_logprobs, top_logprobs, text_offset}</c>).
/// </summary>
public static class OpenAiApi
{
    /// <summary>Maps the endpoints. Any valid key may call them; the key's tenant isolates its prefix cache.</summary>
    public static IEndpointRouteBuilder MapOpenAiApi(this IEndpointRouteBuilder routes)
    {
        RouteGroupBuilder group = routes.MapGroup("/v1").WithTags("OpenAI-compatible").RequireAuthorization(ApiKeyDefaults.ReaderPolicy);
        group.MapGet("/models", Models).WithSummary("The models this server serves.");
        group.MapPost("/chat/completions", ChatCompletionsAsync)
            .Accepts<JsonElement>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Chat completion, streamed as server-sent events when 'stream' is true.");
        group.MapPost("/completions", CompletionsAsync)
            .Accepts<JsonElement>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Raw text completion of 'prompt' (no chat template), streamed when 'stream' is true.");
        return routes;
    }

    private static IResult Models(ModelCatalog catalog) => Results.Stream(
        stream => WriteJsonAsync(stream, w =>
        {
            w.WriteStartObject();
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            foreach (string id in catalog.Ids)
            {
                w.WriteStartObject();
                w.WriteString("id", id);
                w.WriteString("object", "model");
                w.WriteNumber("created", catalog.CreatedAt.ToUnixTimeSeconds());
                w.WriteString("owned_by", "myelin");
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }),
        "application/json");

    private static Task ChatCompletionsAsync(HttpContext context, ModelCatalog catalog) => RunAsync(context, catalog, completion: false);

    private static Task CompletionsAsync(HttpContext context, ModelCatalog catalog) => RunAsync(context, catalog, completion: true);

    private static async Task RunAsync(HttpContext context, ModelCatalog catalog, bool completion)
    {
        Principal caller = context.RequireMyelinPrincipal();
        ChatCompletionRequest request;
        try
        {
            using JsonDocument body = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted).ConfigureAwait(false);
            request = ChatCompletionRequest.Parse(body.RootElement, completion);
        }
        catch (JsonException ex)
        {
            throw new MyelinValidationException("invalid_json", "The request body is not valid JSON: " + ex.Message);
        }

        IChatClient client = catalog.Get(request.Model);
        request.Options.AdditionalProperties = new AdditionalPropertiesDictionary { [LocalChatClient.TenantProperty] = caller.Tenant.Value };
        if (request.Logprobs)
        {
            request.Options.AdditionalProperties[TokenLogprobInfo.RequestProperty] = true;
            request.Options.AdditionalProperties[TokenLogprobInfo.TopRequestProperty] = request.TopLogprobs;
        }

        var shape = new WireShape(completion);
        string id = (completion ? "cmpl-" : "chatcmpl-") + Guid.NewGuid().ToString("N");
        long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        IAsyncEnumerator<ChatResponseUpdate> updates;
        bool any;
        try
        {
            // The engine validates (prompt length, sampling parameters) before its first update: fail as a 400 before any byte is sent.
            updates = Start(client, request, context.RequestAborted).GetAsyncEnumerator(context.RequestAborted);
            any = await updates.MoveNextAsync().ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            throw new MyelinValidationException("invalid_request", ex.Message);
        }

        await using (updates.ConfigureAwait(false))
        {

            if (request.Stream)
            {
                await StreamAsync(context, request, shape, updates, any, id, created).ConfigureAwait(false);
                return;
            }

            var text = new System.Text.StringBuilder();
            UsageDetails? usage = null;
            ChatFinishReason? finish = null;
            var tokens = new List<TokenLogprobInfo>();
            for (bool more = any; more; more = await updates.MoveNextAsync().ConfigureAwait(false))
            {
                text.Append(updates.Current.Text);
                tokens.AddRange(LogprobsOf(updates.Current));
                usage = updates.Current.Contents.OfType<UsageContent>().FirstOrDefault()?.Details ?? usage;
                finish = updates.Current.FinishReason ?? finish;
            }

            context.Response.ContentType = "application/json";
            await WriteJsonAsync(context.Response.Body, w =>
            {
                Header(w, id, shape.Object, created, request.Model);
                w.WriteStartArray("choices");
                w.WriteStartObject();
                w.WriteNumber("index", 0);
                if (completion)
                {
                    w.WriteString("text", text.ToString());
                    WriteLegacyLogprobs(w, request.Logprobs ? new LegacyLogprobsWriter() : null, tokens);
                }
                else
                {
                    w.WriteStartObject("message");
                    w.WriteString("role", "assistant");
                    w.WriteString("content", text.ToString());
                    w.WriteEndObject();
                    WriteLogprobs(w, request.Logprobs ? tokens : null);
                }

                w.WriteString("finish_reason", FinishName(finish));
                w.WriteEndObject();
                w.WriteEndArray();
                Usage(w, usage);
                w.WriteEndObject();
            }).ConfigureAwait(false);
        }
    }

    private static IAsyncEnumerable<ChatResponseUpdate> Start(IChatClient client, ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        if (request.Prompt is null)
        {
            return client.GetStreamingResponseAsync(request.Messages, request.Options, cancellationToken);
        }

        return client is LocalChatClient local
            ? local.CompleteStreamingAsync(request.Prompt, request.Options, cancellationToken)
            : throw new MyelinValidationException("unsupported_model", $"Model '{request.Model}' serves chat completions only.");
    }

    private static async Task StreamAsync(
        HttpContext context, ChatCompletionRequest request, WireShape shape, IAsyncEnumerator<ChatResponseUpdate> updates, bool any, string id, long created)
    {
        HttpResponse response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        if (!shape.Completion)
        {
            await EventAsync(response, w => Chunk(w, shape, id, created, request.Model, role: "assistant", content: null, finish: null)).ConfigureAwait(false);
        }

        UsageDetails? usage = null;
        ChatFinishReason? finish = null;
        LegacyLogprobsWriter? legacy = shape.Completion && request.Logprobs ? new LegacyLogprobsWriter() : null;
        for (bool more = any; more; more = await updates.MoveNextAsync().ConfigureAwait(false))
        {
            ChatResponseUpdate update = updates.Current;
            usage = update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details ?? usage;
            finish = update.FinishReason ?? finish;
            if (update.Text.Length > 0 || (request.Logprobs && LogprobsOf(update).Count > 0))
            {
                IReadOnlyList<TokenLogprobInfo>? tokens = request.Logprobs ? LogprobsOf(update) : null;
                await EventAsync(response, w => Chunk(w, shape, id, created, request.Model, role: null, update.Text, finish: null, tokens, legacy))
                    .ConfigureAwait(false);
            }
        }

        await EventAsync(response, w => Chunk(w, shape, id, created, request.Model, role: null, content: null, FinishName(finish))).ConfigureAwait(false);
        if (request.IncludeUsage)
        {
            await EventAsync(response, w =>
            {
                Header(w, id, shape.ChunkObject, created, request.Model);
                w.WriteStartArray("choices");
                w.WriteEndArray();
                Usage(w, usage);
                w.WriteEndObject();
            }).ConfigureAwait(false);
        }

        await response.WriteAsync("data: [DONE]\n\n", context.RequestAborted).ConfigureAwait(false);
        await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static void Chunk(
        Utf8JsonWriter w, WireShape shape, string id, long created, string model, string? role, string? content, string? finish,
        IReadOnlyList<TokenLogprobInfo>? logprobs = null, LegacyLogprobsWriter? legacy = null)
    {
        Header(w, id, shape.ChunkObject, created, model);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        if (shape.Completion)
        {
            w.WriteString("text", content ?? string.Empty);
            WriteLegacyLogprobs(w, legacy, logprobs ?? []);
        }
        else
        {
            w.WriteStartObject("delta");
            if (role is not null)
            {
                w.WriteString("role", role);
            }

            if (content is not null)
            {
                w.WriteString("content", content);
            }

            w.WriteEndObject();
            WriteLogprobs(w, logprobs);
        }

        if (finish is null)
        {
            w.WriteNull("finish_reason");
        }
        else
        {
            w.WriteString("finish_reason", finish);
        }

        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Header(Utf8JsonWriter w, string id, string kind, long created, string model)
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("object", kind);
        w.WriteNumber("created", created);
        w.WriteString("model", model);
    }

    private static void Usage(Utf8JsonWriter w, UsageDetails? usage)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", usage?.InputTokenCount ?? 0);
        w.WriteNumber("completion_tokens", usage?.OutputTokenCount ?? 0);
        w.WriteNumber("total_tokens", usage?.TotalTokenCount ?? 0);
        w.WriteStartObject("prompt_tokens_details");
        w.WriteNumber("cached_tokens", usage?.CachedInputTokenCount ?? 0);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static IReadOnlyList<TokenLogprobInfo> LogprobsOf(ChatResponseUpdate update) =>
        update.AdditionalProperties?.TryGetValue(TokenLogprobInfo.UpdateProperty, out object? value) == true && value is TokenLogprobInfo[] tokens
            ? tokens
            : [];

    /// <summary>OpenAI's <c>logprobs: {content: [{token, logprob, bytes, top_logprobs}]}</c>, or nothing when not asked for.</summary>
    private static void WriteLogprobs(Utf8JsonWriter w, IReadOnlyList<TokenLogprobInfo>? tokens)
    {
        if (tokens is null)
        {
            return;
        }

        w.WriteStartObject("logprobs");
        w.WriteStartArray("content");
        foreach (TokenLogprobInfo token in tokens)
        {
            WriteToken(w, token, withTop: true);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary><c>/v1/completions</c>' legacy <c>logprobs</c> object, or null when not asked for (or on the closing chunk).</summary>
    private static void WriteLegacyLogprobs(Utf8JsonWriter w, LegacyLogprobsWriter? legacy, IReadOnlyList<TokenLogprobInfo> tokens)
    {
        if (legacy is null)
        {
            w.WriteNull("logprobs");
        }
        else
        {
            legacy.Write(w, tokens);
        }
    }

    private static void WriteToken(Utf8JsonWriter w, TokenLogprobInfo token, bool withTop)
    {
        w.WriteStartObject();
        w.WriteString("token", token.Token);
        w.WriteNumber("logprob", token.Logprob);
        w.WriteStartArray("bytes");
        foreach (byte b in token.Bytes)
        {
            w.WriteNumberValue(b);
        }

        w.WriteEndArray();
        if (withTop)
        {
            w.WriteStartArray("top_logprobs");
            foreach (TokenLogprobInfo alternative in token.TopLogprobs)
            {
                WriteToken(w, alternative, withTop: false);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static string FinishName(ChatFinishReason? finish) => finish == ChatFinishReason.Length ? "length" : "stop";

    private static async Task EventAsync(HttpResponse response, Action<Utf8JsonWriter> write)
    {
        await response.WriteAsync("data: ", response.HttpContext.RequestAborted).ConfigureAwait(false);
        await WriteJsonAsync(response.Body, write).ConfigureAwait(false);
        await response.WriteAsync("\n\n", response.HttpContext.RequestAborted).ConfigureAwait(false);
        await response.Body.FlushAsync(response.HttpContext.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteJsonAsync(Stream stream, Action<Utf8JsonWriter> write)
    {
        var writer = new Utf8JsonWriter(stream);
        await using (writer.ConfigureAwait(false))
        {
            write(writer);
            await writer.FlushAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The object names of the two APIs' responses and chunks.</summary>
    private readonly record struct WireShape(bool Completion)
    {
        public string Object => Completion ? "text_completion" : "chat.completion";

        public string ChunkObject => Completion ? "text_completion" : "chat.completion.chunk";
    }
}
