using System.Text.Json;
using System.Text.Json.Serialization;
using Myelin.Server.Endpoints;

namespace Myelin.Server.Mcp;

/// <summary>One turn given to the MCP <c>remember</c> tool; the user, agent and session come from the call.</summary>
/// <param name="Role"><c>user</c>, <c>assistant</c>, <c>system</c> or <c>tool</c>.</param>
/// <param name="Text">What was said.</param>
/// <param name="Speaker">The speaker's name, if known.</param>
/// <param name="Timestamp">When it was said; now when absent.</param>
/// <param name="IdempotencyKey">A retry with the same key is stored once.</param>
internal sealed record McpTurnInput(string? Role, string? Text, string? Speaker, DateTimeOffset? Timestamp, string? IdempotencyKey);

/// <summary>The arguments of the MCP <c>remember</c> tool.</summary>
/// <param name="UserId">The end user the conversation is with.</param>
/// <param name="AgentId">The agent, if memories are kept per agent.</param>
/// <param name="SessionId">The conversation, if any.</param>
/// <param name="Turns">1 to 1,000 turns, oldest first.</param>
internal sealed record McpRememberInput(string? UserId, string? AgentId, string? SessionId, IReadOnlyList<McpTurnInput>? Turns);

/// <summary>The arguments of the MCP <c>forget</c> tool.</summary>
/// <param name="UserId">The user to forget.</param>
internal sealed record McpForgetInput(string? UserId);

/// <summary>
/// Source-generated JSON metadata of the MCP tools. Unknown arguments are rejected, so a model that misspells one hears
/// about it instead of having it silently ignored.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(McpRememberInput))]
[JsonSerializable(typeof(McpForgetInput))]
[JsonSerializable(typeof(RecallInput))]
[JsonSerializable(typeof(RememberTurnsResponse))]
[JsonSerializable(typeof(RecallOutput))]
[JsonSerializable(typeof(ForgetUserOutput))]
internal sealed partial class McpToolJsonContext : JsonSerializerContext;
