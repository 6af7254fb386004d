namespace Myelin.Evals.Tracing;

/// <summary>Well-known values of <c>gen_ai.operation.name</c>.</summary>
public static class GenAiOperationNames
{
    /// <summary>A chat completion.</summary>
    public const string Chat = "chat";

    /// <summary>A text completion.</summary>
    public const string TextCompletion = "text_completion";

    /// <summary>Multimodal content generation.</summary>
    public const string GenerateContent = "generate_content";

    /// <summary>Embedding generation.</summary>
    public const string Embeddings = "embeddings";

    /// <summary>A tool execution.</summary>
    public const string ExecuteTool = "execute_tool";

    /// <summary>An agent invocation.</summary>
    public const string InvokeAgent = "invoke_agent";

    /// <summary>Agent creation.</summary>
    public const string CreateAgent = "create_agent";
}
