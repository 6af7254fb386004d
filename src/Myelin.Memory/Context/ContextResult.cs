using Microsoft.Extensions.AI;

namespace Myelin.Memory.Context;

/// <summary>An assembled context: the messages to send and the report of how they were chosen.</summary>
/// <param name="Messages">System prompt, memories, summary, recent turns (oldest first) and the current turn.</param>
/// <param name="Report">Tokens per section and everything left out.</param>
public sealed record ContextResult(IReadOnlyList<ChatMessage> Messages, ContextReport Report);
