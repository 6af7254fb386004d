using System.Text.Json;
using Microsoft.Extensions.AI;
using Myelin.Core;

namespace Myelin.Server.OpenAi;

/// <summary>A parsed, validated <c>POST /v1/chat/completions</c> body.</summary>
/// <remarks>Also parses <c>/v1/completions</c> bodies, whose <c>prompt</c> string takes the place of <c>messages</c>.</remarks>
internal sealed record ChatCompletionRequest(string Model, List<ChatMessage> Messages, string? Prompt, ChatOptions Options, bool Stream, bool IncludeUsage)
{
    /// <summary>
    /// Whether the response reports each token's log-probability: chat's <c>logprobs: true</c>, or any integer
    /// <c>logprobs</c> on <c>/v1/completions</c> (the legacy form, whose value is the number of alternatives).
    /// </summary>
    public bool Logprobs { get; init; }

    /// <summary>Alternatives per token (0-20), with <see cref="Logprobs"/>.</summary>
    public int TopLogprobs { get; init; }

    private static readonly HashSet<string> s_ignored = new(StringComparer.Ordinal) { "user", "metadata", "store", "service_tier", "parallel_tool_calls" };

    public static ChatCompletionRequest Parse(JsonElement body, bool completion = false)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("invalid_body", "The body must be a JSON object.");
        }

        string? model = null;
        string? prompt = null;
        List<ChatMessage>? messages = null;
        var options = new ChatOptions();
        bool stream = false, includeUsage = false, logprobs = false;
        int topLogprobs = 0;
        foreach (JsonProperty p in body.EnumerateObject())
        {
            switch (p.Name)
            {
                case "model":
                    model = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : throw Invalid("invalid_model", "'model' must be a string.");
                    break;
                case "messages" when !completion:
                    messages = ParseMessages(p.Value);
                    break;
                case "prompt" when completion:
                    prompt = p.Value.ValueKind == JsonValueKind.String
                        ? p.Value.GetString()
                        : throw Invalid("invalid_prompt", "'prompt' must be a single string.");
                    break;
                case "stream":
                    stream = Bool(p);
                    break;
                case "logprobs" when !completion:
                    logprobs = Bool(p);
                    break;
                case "top_logprobs" when !completion:
                    topLogprobs = (int)Number(p, 0, 20);
                    break;
                case "logprobs" when completion && p.Value.ValueKind != JsonValueKind.Null:
                    // Legacy completions: an integer count of alternatives per token; the sampled token is always reported.
                    topLogprobs = p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt32(out int count) && count is >= 0 and <= 20
                        ? count
                        : throw Invalid("invalid_logprobs", "'logprobs' must be an integer between 0 and 20.");
                    logprobs = true;
                    break;
                case "logprobs" when completion:
                    break;
                case "stream_options":
                    includeUsage = p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("include_usage", out JsonElement u) && u.ValueKind == JsonValueKind.True;
                    break;
                case "temperature":
                    options.Temperature = Number(p, 0, 2);
                    break;
                case "top_p":
                    options.TopP = Number(p, 0, 1);
                    break;
                case "top_k":
                    options.TopK = (int)Number(p, 0, 1_000_000);
                    break;
                case "max_tokens" or "max_completion_tokens":
                    options.MaxOutputTokens = (int)Number(p, 1, 1_000_000);
                    break;
                case "presence_penalty":
                    options.PresencePenalty = Number(p, -2, 2);
                    break;
                case "frequency_penalty":
                    options.FrequencyPenalty = Number(p, -2, 2);
                    break;
                case "seed":
                    options.Seed = p.Value.TryGetInt64(out long seed) ? seed : throw Invalid("invalid_seed", "'seed' must be an integer.");
                    break;
                case "stop":
                    options.StopSequences = Stops(p.Value);
                    break;
                case "n":
                    if (Number(p, 1, 1) != 1)
                    {
                        throw Invalid("unsupported_parameter", "'n' must be 1.");
                    }

                    break;
                default:
                    if (!s_ignored.Contains(p.Name))
                    {
                        throw Invalid("unsupported_parameter", $"'{p.Name}' is not supported by this server.");
                    }

                    break;
            }
        }

        if (string.IsNullOrEmpty(model))
        {
            throw Invalid("invalid_model", "'model' is required; GET /v1/models lists what is served.");
        }

        if (completion)
        {
            if (string.IsNullOrEmpty(prompt))
            {
                throw Invalid("invalid_prompt", "'prompt' is required and must not be empty.");
            }

            return new ChatCompletionRequest(model, [], prompt, options, stream, includeUsage) { Logprobs = logprobs, TopLogprobs = topLogprobs };
        }

        if (messages is null || messages.Count == 0)
        {
            throw Invalid("invalid_messages", "'messages' must be a non-empty array.");
        }

        if (topLogprobs > 0 && !logprobs)
        {
            throw Invalid("invalid_top_logprobs", "'top_logprobs' needs 'logprobs': true.");
        }

        return new ChatCompletionRequest(model, messages, null, options, stream, includeUsage) { Logprobs = logprobs, TopLogprobs = topLogprobs };
    }

    private static List<ChatMessage> ParseMessages(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Invalid("invalid_messages", "'messages' must be an array.");
        }

        var messages = new List<ChatMessage>();
        int index = 0;
        foreach (JsonElement m in value.EnumerateArray())
        {
            if (m.ValueKind != JsonValueKind.Object || !m.TryGetProperty("role", out JsonElement role) || role.ValueKind != JsonValueKind.String)
            {
                throw Invalid("invalid_messages", $"messages[{index}] needs a string 'role'.");
            }

            ChatRole chatRole = role.GetString() switch
            {
                "system" or "developer" => ChatRole.System,
                "user" => ChatRole.User,
                "assistant" => ChatRole.Assistant,
                var other => throw Invalid("invalid_messages", $"messages[{index}] role '{other}' is not supported (system, developer, user, assistant)."),
            };
            messages.Add(new ChatMessage(chatRole, Content(m, index)));
            index++;
        }

        return messages;
    }

    private static string Content(JsonElement message, int index)
    {
        if (!message.TryGetProperty("content", out JsonElement content) || content.ValueKind == JsonValueKind.Null)
        {
            return string.Empty;
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }

        if (content.ValueKind == JsonValueKind.Array)
        {
            var text = new System.Text.StringBuilder();
            foreach (JsonElement part in content.EnumerateArray())
            {
                if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out JsonElement type) || type.GetString() != "text"
                    || !part.TryGetProperty("text", out JsonElement t) || t.ValueKind != JsonValueKind.String)
                {
                    throw Invalid("invalid_messages", $"messages[{index}] content parts must be text parts ({{\"type\":\"text\",\"text\":...}}).");
                }

                text.Append(t.GetString());
            }

            return text.ToString();
        }

        throw Invalid("invalid_messages", $"messages[{index}] content must be a string or an array of text parts.");
    }

    private static List<string> Stops(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => [value.GetString()!],
        JsonValueKind.Array when value.GetArrayLength() <= 4 && value.EnumerateArray().All(s => s.ValueKind == JsonValueKind.String && s.GetString()!.Length > 0)
            => [.. value.EnumerateArray().Select(s => s.GetString()!)],
        JsonValueKind.Null => [],
        _ => throw Invalid("invalid_stop", "'stop' must be a string or up to 4 non-empty strings."),
    };

    private static bool Bool(JsonProperty p) => p.Value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False or JsonValueKind.Null => false,
        _ => throw Invalid("invalid_" + p.Name, $"'{p.Name}' must be true or false."),
    };

    private static float Number(JsonProperty p, double min, double max)
    {
        if (!p.Value.TryGetDouble(out double value) || value < min || value > max)
        {
            throw Invalid("invalid_" + p.Name, $"'{p.Name}' must be a number between {min} and {max}.");
        }

        return (float)value;
    }

    private static MyelinValidationException Invalid(string code, string message) => new(code, message);
}
