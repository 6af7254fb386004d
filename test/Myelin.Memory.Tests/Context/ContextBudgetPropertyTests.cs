using FsCheck;
using FsCheck.Fluent;
using Myelin.Core;
using static Myelin.Memory.Context.ContextFixtures;

namespace Myelin.Memory.Context;

/// <summary>
/// For random system prompts, conversations, memories, budgets and options, the assembled context never costs more
/// than the budget minus the answer reserve, costs exactly what the report says, and always starts with the system
/// prompt and ends with the current turn; or the build fails with a clear error exactly when those two alone do not
/// fit. Cases come from FsCheck generators with fixed seeds, so runs repeat.
/// </summary>
public sealed class ContextBudgetPropertyTests
{
    private static readonly string[] s_words =
    [
        "I", "moved", "to", "Lisbon", "in", "2021,", "work", "as", "a", "nurse.", "My", "daughter", "starts", "school",
        "on", "14", "September!", "Please", "book", "flights", "after", "9am?", "quarterly", "revenue", "grew", "7%", "ok",
        "internationalisation", "\u6771\u4eac", "caf\u00e9", "\n", "--", "(see", "notes)",
    ];

    private sealed record Case(
        int SystemWords, int CurrentWords, int[] Recent, int[] Older, (int Words, bool Superseded, int Score)[] Memories,
        int Budget, int Reserve, int Overhead, int MaxSummary, int Share, int MaxMemories, bool WordCounter, int Salt);

    private static readonly Gen<Case> s_case =
        from system in Gen.Choose(0, 60)
        from current in Gen.Choose(1, 30)
        from recent in Gen.ArrayOf(Gen.Choose(1, 80)).Select(a => a.Take(12).ToArray())
        from older in Gen.ArrayOf(Gen.Choose(1, 80)).Select(a => a.Take(12).ToArray())
        from memories in Gen.ArrayOf(
            from w in Gen.Choose(1, 25)
            from s in Gen.Elements(true, false)
            from sc in Gen.Choose(0, 100)
            select (w, s, sc)).Select(a => a.Take(12).ToArray())
        from budget in Gen.Choose(1, 900)
        from reserve in Gen.Choose(0, 120)
        from overhead in Gen.Choose(0, 6)
        from maxSummary in Gen.Choose(0, 200)
        from share in Gen.Choose(0, 10)
        from maxMemories in Gen.Choose(0, 10)
        from wordCounter in Gen.Elements(true, false)
        from salt in Gen.Choose(0, 1_000_000)
        select new Case(system, current, recent, older, memories, budget, reserve, overhead, maxSummary, share, maxMemories, wordCounter, salt);

    [Theory]
    [InlineData(1UL)]
    [InlineData(2024UL)]
    [InlineData(77777UL)]
    public async Task The_budget_is_never_exceeded(ulong seed)
    {
        Case[] cases = Gen.Sample(s_case, 40, new Rnd(seed, 0x9E3779B97F4A7C15UL), 250);
        int built = 0;
        foreach (Case c in cases)
        {
            var options = new ContextBuilderOptions
            {
                ReserveForAnswer = c.Reserve,
                PerMessageOverhead = c.Overhead,
                MaxSummaryTokens = c.MaxSummary,
                MemoryShare = c.Share / 10.0,
                MaxMemories = c.MaxMemories,
                MinMemoryScore = 0.2,
                TokenCounter = c.WordCounter ? new WordCounter() : ApproximateTokenCounter.Default,
                Seed = (ulong)c.Salt,
            };
            var builder = new ContextBuilder(options);
            int salt = c.Salt;
            var request = new ContextRequest(Text(c.SystemWords, ref salt), User(Text(c.CurrentWords, ref salt)), c.Budget)
            {
                RecentTurns = [.. c.Recent.Select((w, i) => i % 2 == 0 ? User(Text(w, ref salt)) : Assistant(Text(w, ref salt)))],
                OlderTurns = [.. c.Older.Select((w, i) => i % 2 == 0 ? User(Text(w, ref salt)) : Assistant(Text(w, ref salt)))],
                Memories = [.. c.Memories.Select((m, i) => Hit(Text(m.Words, ref salt), m.Score / 100.0, m.Superseded, n: i))],
            };
            int available = c.Budget - c.Reserve;
            int mandatory = (request.SystemPrompt.Length == 0 ? 0 : builder.MessageTokens(request.SystemPrompt)) + builder.MessageTokens(request.CurrentTurn.Text);

            ContextResult result;
            try
            {
                result = await builder.BuildAsync(request);
            }
            catch (MyelinValidationException ex)
            {
                Assert.True(mandatory > available, $"{c}: refused although {mandatory} <= {available}: {ex.Message}");
                continue;
            }

            built++;
            Assert.True(mandatory <= available, $"{c}: built although {mandatory} > {available}");
            int cost = Cost(result.Messages, options);
            Assert.Equal(cost, result.Report.Tokens.Total);
            Assert.True(cost <= available, $"{c}: {cost} tokens for {available} available");
            Assert.Same(request.CurrentTurn, result.Messages[^1]);
            if (request.SystemPrompt.Length > 0)
            {
                Assert.Equal(request.SystemPrompt, result.Messages[0].Text);
            }

            int keptRecent = result.Messages.Count(m => request.RecentTurns.Contains(m));
            int droppedRecent = result.Report.Dropped.Count(d => d.Section == ContextSection.RecentTurns);
            Assert.Equal(request.RecentTurns.Count, keptRecent + droppedRecent + (result.Report.SummarisedTurns - (result.Report.SummarisedTurns == 0 ? 0 : request.OlderTurns.Count)));
        }

        Assert.True(built > cases.Length / 4, $"only {built} of {cases.Length} cases fit; the generator is too tight to test much");
    }

    private static string Text(int words, ref int salt)
    {
        var parts = new string[words];
        for (int i = 0; i < words; i++)
        {
            salt = (int)((salt * 1103515245L + 12345) & 0x7fffffff);
            parts[i] = s_words[salt % s_words.Length];
        }

        return string.Join(' ', parts);
    }

    /// <summary>A stand-in for a real tokenizer: one token per white-space separated word.</summary>
    private sealed class WordCounter : ITokenCounter
    {
        public int CountTokens(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
    }
}
