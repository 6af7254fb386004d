using System.Globalization;
using Microsoft.Extensions.AI;
using Myelin.Memory.Retrieval;

namespace Myelin.Memory.Context;

/// <summary>Memories and turns for context-builder tests.</summary>
internal static class ContextFixtures
{
    public static RecallHit Hit(string text, double score = 0.05, bool superseded = false, MemoryKind kind = MemoryKind.Fact, int n = 0) => new(
        new MemoryItem
        {
            Id = "mem_" + n.ToString("x32", CultureInfo.InvariantCulture),
            Scope = new MemoryScope(TestStore.TenantA, "alice"),
            Kind = kind,
            Text = text,
            ValidFrom = TestStore.T0,
            RecordedAt = TestStore.T0,
            ValidTo = superseded ? TestStore.T0.AddDays(1) : null,
        },
        score,
        superseded,
        1,
        1,
        []);

    public static ChatMessage User(string text) => new(ChatRole.User, text);

    public static ChatMessage Assistant(string text) => new(ChatRole.Assistant, text);

    /// <summary>What the messages cost, counted the way the builder documents: overhead plus the counter's tokens of each text.</summary>
    public static int Cost(IEnumerable<ChatMessage> messages, ContextBuilderOptions options) =>
        messages.Sum(m => options.PerMessageOverhead + options.TokenCounter.CountTokens(m.Text));
}
