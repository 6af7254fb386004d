namespace Myelin.Models.Tokenization;

/// <summary>One turn of a conversation to render into a prompt (named apart from Microsoft.Extensions.AI.ChatMessage on purpose).</summary>
/// <param name="Role"><c>system</c>, <c>user</c> or <c>assistant</c>.</param>
/// <param name="Content">The message text.</param>
public sealed record ChatTurn(string Role, string Content);
