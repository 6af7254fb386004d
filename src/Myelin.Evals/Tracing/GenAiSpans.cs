using System.Diagnostics;

namespace Myelin.Evals.Tracing;

/// <summary>The room's <see cref="ActivitySource"/> and helpers for the GenAI spans that are not chat calls.</summary>
/// <remarks>Thread-safe. Every helper returns null when nobody listens, like <see cref="ActivitySource.StartActivity(string, ActivityKind)"/>.</remarks>
public static class GenAiSpans
{
    /// <summary>The source every Myelin GenAI span comes from (<see cref="EvalsAssembly.TelemetryName"/>).</summary>
    public static ActivitySource Source { get; } = new(EvalsAssembly.TelemetryName, typeof(GenAiSpans).Assembly.GetName().Version?.ToString());

    /// <summary>Starts an <c>execute_tool {gen_ai.tool.name}</c> span (kind internal).</summary>
    /// <param name="toolName">The tool's name.</param>
    /// <param name="callId">The tool call id from the model, if any.</param>
    /// <param name="description">The tool's description, if any.</param>
    /// <param name="toolType"><c>function</c> (default), <c>extension</c> or <c>datastore</c>.</param>
    public static Activity? StartExecuteTool(string toolName, string? callId = null, string? description = null, string toolType = "function")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(toolName);
        ArgumentException.ThrowIfNullOrWhiteSpace(toolType);
        Activity? activity = Source.StartActivity($"{GenAiOperationNames.ExecuteTool} {toolName}", ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(GenAiAttributes.OperationName, GenAiOperationNames.ExecuteTool)
                .SetTag(GenAiAttributes.ToolName, toolName)
                .SetTag(GenAiAttributes.ToolType, toolType);
            if (callId is not null)
            {
                activity.SetTag(GenAiAttributes.ToolCallId, callId);
            }

            if (description is not null)
            {
                activity.SetTag(GenAiAttributes.ToolDescription, description);
            }
        }

        return activity;
    }

    /// <summary>Starts an <c>invoke_agent {gen_ai.agent.name}</c> span (kind internal for in-process agents, client for remote ones).</summary>
    /// <param name="agentName">The agent's name.</param>
    /// <param name="providerName">The <c>gen_ai.provider.name</c> of the model behind the agent.</param>
    /// <param name="agentId">The agent's id, if any.</param>
    /// <param name="conversationId">The conversation the invocation belongs to, if any.</param>
    /// <param name="remote">True for an agent behind a remote service (span kind client).</param>
    public static Activity? StartInvokeAgent(
        string agentName, string providerName, string? agentId = null, string? conversationId = null, bool remote = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(agentName);
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        Activity? activity = Source.StartActivity(
            $"{GenAiOperationNames.InvokeAgent} {agentName}", remote ? ActivityKind.Client : ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(GenAiAttributes.OperationName, GenAiOperationNames.InvokeAgent)
                .SetTag(GenAiAttributes.ProviderName, providerName)
                .SetTag(GenAiAttributes.AgentName, agentName);
            if (agentId is not null)
            {
                activity.SetTag(GenAiAttributes.AgentId, agentId);
            }

            if (conversationId is not null)
            {
                activity.SetTag(GenAiAttributes.ConversationId, conversationId);
            }
        }

        return activity;
    }

    /// <summary>Adds a <c>gen_ai.evaluation.result</c> event to <paramref name="activity"/>.</summary>
    /// <param name="activity">The span of the operation that was evaluated.</param>
    /// <param name="name">The evaluation's metric name, e.g. <c>relevance</c>.</param>
    /// <param name="scoreValue">The numeric score, if any.</param>
    /// <param name="scoreLabel">A label, if any (e.g. <c>pass</c>).</param>
    /// <param name="explanation">Why, if known.</param>
    /// <param name="responseId">The evaluated response's id, if known.</param>
    public static void AddEvaluationResult(
        Activity activity, string name, double? scoreValue = null, string? scoreLabel = null, string? explanation = null, string? responseId = null)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var tags = new ActivityTagsCollection { [GenAiAttributes.EvaluationName] = name };
        if (scoreValue is { } value)
        {
            tags[GenAiAttributes.EvaluationScoreValue] = value;
        }

        if (scoreLabel is not null)
        {
            tags[GenAiAttributes.EvaluationScoreLabel] = scoreLabel;
        }

        if (explanation is not null)
        {
            tags[GenAiAttributes.EvaluationExplanation] = explanation;
        }

        if (responseId is not null)
        {
            tags[GenAiAttributes.ResponseId] = responseId;
        }

        activity.AddEvent(new ActivityEvent(GenAiAttributes.EvaluationResultEvent, tags: tags));
    }
}
