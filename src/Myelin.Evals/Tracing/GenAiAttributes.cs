namespace Myelin.Evals.Tracing;

/// <summary>Attribute names of the OpenTelemetry GenAI semantic conventions that Myelin emits and reads.</summary>
/// <remarks>
/// Names follow the current (experimental) GenAI conventions: <c>gen_ai.provider.name</c> replaced the older
/// <c>gen_ai.system</c>, and cache reads are <c>gen_ai.usage.cache_read.input_tokens</c> (counted inside
/// <c>gen_ai.usage.input_tokens</c>).
/// </remarks>
public static class GenAiAttributes
{
    /// <summary>The operation: <c>chat</c>, <c>execute_tool</c>, <c>invoke_agent</c>, ... (see <see cref="GenAiOperationNames"/>).</summary>
    public const string OperationName = "gen_ai.operation.name";

    /// <summary>The provider as identified by the instrumentation (e.g. <c>openai</c>).</summary>
    public const string ProviderName = "gen_ai.provider.name";

    /// <summary>The model a request asked for.</summary>
    public const string RequestModel = "gen_ai.request.model";

    /// <summary>Sampling temperature (double).</summary>
    public const string RequestTemperature = "gen_ai.request.temperature";

    /// <summary>Nucleus sampling top-p (double).</summary>
    public const string RequestTopP = "gen_ai.request.top_p";

    /// <summary>Top-k sampling (double, as the conventions define it).</summary>
    public const string RequestTopK = "gen_ai.request.top_k";

    /// <summary>Maximum number of tokens to generate (int).</summary>
    public const string RequestMaxTokens = "gen_ai.request.max_tokens";

    /// <summary>Frequency penalty (double).</summary>
    public const string RequestFrequencyPenalty = "gen_ai.request.frequency_penalty";

    /// <summary>Presence penalty (double).</summary>
    public const string RequestPresencePenalty = "gen_ai.request.presence_penalty";

    /// <summary>Stop sequences (string[]).</summary>
    public const string RequestStopSequences = "gen_ai.request.stop_sequences";

    /// <summary>Sampling seed (int).</summary>
    public const string RequestSeed = "gen_ai.request.seed";

    /// <summary>The unique id of the response.</summary>
    public const string ResponseId = "gen_ai.response.id";

    /// <summary>The model that produced the response.</summary>
    public const string ResponseModel = "gen_ai.response.model";

    /// <summary>Why generation stopped, one entry per choice (string[]).</summary>
    public const string ResponseFinishReasons = "gen_ai.response.finish_reasons";

    /// <summary>Input (prompt) tokens, including cached ones (int).</summary>
    public const string UsageInputTokens = "gen_ai.usage.input_tokens";

    /// <summary>Output (completion) tokens (int).</summary>
    public const string UsageOutputTokens = "gen_ai.usage.output_tokens";

    /// <summary>Input tokens served from a provider-managed cache (int), included in <see cref="UsageInputTokens"/>.</summary>
    public const string UsageCacheReadInputTokens = "gen_ai.usage.cache_read.input_tokens";

    /// <summary>The conversation (session, thread) the call belongs to.</summary>
    public const string ConversationId = "gen_ai.conversation.id";

    /// <summary>The requested output type: <c>text</c>, <c>json</c>, <c>image</c>, <c>speech</c>.</summary>
    public const string OutputType = "gen_ai.output.type";

    /// <summary>The chat history sent to the model (JSON), recorded only when content capture is enabled.</summary>
    public const string InputMessages = "gen_ai.input.messages";

    /// <summary>The messages the model returned (JSON), recorded only when content capture is enabled.</summary>
    public const string OutputMessages = "gen_ai.output.messages";

    /// <summary>System instructions sent separately from the chat history (JSON), recorded only when content capture is enabled.</summary>
    public const string SystemInstructions = "gen_ai.system_instructions";

    /// <summary>The tool's name (execute_tool spans).</summary>
    public const string ToolName = "gen_ai.tool.name";

    /// <summary>The tool call id (execute_tool spans).</summary>
    public const string ToolCallId = "gen_ai.tool.call.id";

    /// <summary>The tool's description (execute_tool spans).</summary>
    public const string ToolDescription = "gen_ai.tool.description";

    /// <summary>The tool's type: <c>function</c>, <c>extension</c> or <c>datastore</c>.</summary>
    public const string ToolType = "gen_ai.tool.type";

    /// <summary>The tool call's arguments (content capture only).</summary>
    public const string ToolCallArguments = "gen_ai.tool.call.arguments";

    /// <summary>The tool call's result (content capture only).</summary>
    public const string ToolCallResult = "gen_ai.tool.call.result";

    /// <summary>The agent's id (invoke_agent spans).</summary>
    public const string AgentId = "gen_ai.agent.id";

    /// <summary>The agent's name (invoke_agent spans).</summary>
    public const string AgentName = "gen_ai.agent.name";

    /// <summary>The agent's description (invoke_agent spans).</summary>
    public const string AgentDescription = "gen_ai.agent.description";

    /// <summary>Token type on <c>gen_ai.client.token.usage</c>: <c>input</c> or <c>output</c>.</summary>
    public const string TokenType = "gen_ai.token.type";

    /// <summary>The event that carries one evaluation result.</summary>
    public const string EvaluationResultEvent = "gen_ai.evaluation.result";

    /// <summary>The evaluation's metric name (e.g. <c>relevance</c>).</summary>
    public const string EvaluationName = "gen_ai.evaluation.name";

    /// <summary>The numeric score.</summary>
    public const string EvaluationScoreValue = "gen_ai.evaluation.score.value";

    /// <summary>A label for the score (e.g. <c>pass</c>, <c>relevant</c>).</summary>
    public const string EvaluationScoreLabel = "gen_ai.evaluation.score.label";

    /// <summary>Free-form explanation of the score.</summary>
    public const string EvaluationExplanation = "gen_ai.evaluation.explanation";

    /// <summary>The error class when an operation failed (exception type or status code).</summary>
    public const string ErrorType = "error.type";

    /// <summary>The host of the model server.</summary>
    public const string ServerAddress = "server.address";

    /// <summary>The port of the model server (int).</summary>
    public const string ServerPort = "server.port";

    /// <summary>The end user on whose behalf the call ran (general OpenTelemetry attribute).</summary>
    public const string UserId = "user.id";

    /// <summary>A session id (general OpenTelemetry attribute) used when no conversation id is present.</summary>
    public const string SessionId = "session.id";

    /// <summary>Myelin's cost of the call in US dollars (double), from the configured price table.</summary>
    public const string CostUsd = "myelin.cost.usd";
}
