namespace Myelin.Models.Tokenization;

/// <summary>One message of a conversation to render into a prompt.</summary>
/// <param name="Role"><c>system</c>, <c>user</c> or <c>assistant</c>.</param>
/// <param name="Content">The message text.</param>
public sealed record ChatMessage(string Role, string Content);
