namespace Myelin.Inference.Remote;

/// <summary>Where and how <see cref="OpenAICompatibleChatClient"/> reaches its server.</summary>
public sealed class OpenAICompatibleChatClientOptions
{
    /// <summary>The API base, ending in <c>/v1</c> (e.g. <c>http://127.0.0.1:11434/v1</c> for Ollama, <c>http://127.0.0.1:8000/v1</c> for vLLM).</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>The model to use when a request's options name none.</summary>
    public required string Model { get; init; }

    /// <summary>Sent as <c>Authorization: Bearer</c> when set.</summary>
    public string? ApiKey { get; init; }
}
