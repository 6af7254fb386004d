using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Myelin.Inference.Remote;

/// <summary>
/// An <see cref="IChatClient"/> for any server that speaks the OpenAI chat-completions protocol (Myelin, vLLM, Ollama,
/// llama.cpp's server, cloud APIs): JSON requests, server-sent-event streaming, usage with cached prompt tokens.
/// </summary>
/// <remarks>Thread-safe. The caller owns the <see cref="HttpClient"/> it passes; a client created without one owns its own.</remarks>
public sealed partial class OpenAICompatibleChatClient : IChatClient
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly OpenAICompatibleChatClientOptions _options;
    private readonly Uri _completions;

    /// <summary>Creates a client.</summary>
    public OpenAICompatibleChatClient(OpenAICompatibleChatClientOptions options, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Endpoint);
        ArgumentException.ThrowIfNullOrEmpty(options.Model);
        _options = options;
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        string baseText = options.Endpoint.ToString();
        _completions = new Uri(baseText.EndsWith('/') ? baseText + "chat/completions" : baseText + "/chat/completions");
        Metadata = new ChatClientMetadata("openai-compatible", options.Endpoint, options.Model);
    }

    /// <summary>What this client talks to.</summary>
    public ChatClientMetadata Metadata { get; }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        using HttpRequestMessage request = CreateRequest(messages, options, stream: false);
        using HttpResponseMessage response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        using JsonDocument body = await JsonDocument.ParseAsync(
            await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), default, cancellationToken).ConfigureAwait(false);
        JsonElement root = body.RootElement;
        JsonElement choice = root.GetProperty("choices")[0];
        string text = choice.GetProperty("message").TryGetProperty("content", out JsonElement content) && content.ValueKind == JsonValueKind.String
            ? content.GetString()!
            : string.Empty;
        var result = new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            ResponseId = String(root, "id"),
            ModelId = String(root, "model"),
            FinishReason = Finish(String(choice, "finish_reason")),
            Usage = root.TryGetProperty("usage", out JsonElement usage) ? Usage(usage) : null,
        };
        return result;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using HttpRequestMessage request = CreateRequest(messages, options, stream: true);
        using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (!line.StartsWith("data:", StringComparison.Ordinal))
            {
                continue; // blank separators, comments and other SSE fields
            }

            string data = line[5..].Trim();
            if (data == "[DONE]")
            {
                yield break;
            }

            if (ParseChunk(data) is { } update)
            {
                yield return update;
            }
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? Metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }
}
