namespace Myelin.Evals.Detectors;

/// <summary>A suite conversation with, per turn, whether the failure under test was injected there and how the turn was made.</summary>
public sealed record LabelledConversation(Conversation Conversation, bool[] Labels, string[] Variants);
