namespace Myelin.Memory.Evaluation;

public sealed class ConversationBenchmarkGeneratorTests
{
    private static readonly ConversationBenchmarkOptions s_small = new() { Users = 4, SessionsPerUser = 6, Seed = 5 };

    [Fact]
    public void Is_deterministic_for_a_seed()
    {
        ConversationBenchmark a = ConversationBenchmarkGenerator.Generate(s_small);
        ConversationBenchmark b = ConversationBenchmarkGenerator.Generate(s_small);

        Assert.Equal(a.Sessions.SelectMany(s => s.Turns), b.Sessions.SelectMany(s => s.Turns));
        Assert.Equal(a.Questions.Select(q => q.Text + q.ExpectedValue), b.Questions.Select(q => q.Text + q.ExpectedValue));
    }

    [Fact]
    public void Evidence_turns_exist_and_state_the_expected_value()
    {
        ConversationBenchmark data = ConversationBenchmarkGenerator.Generate(s_small);
        var turns = data.Sessions.SelectMany(s => s.Turns).ToDictionary(t => t.TurnId);

        Assert.Equal(4 * 6 * 10, data.TurnCount);
        Assert.Contains(data.Questions, q => q.Kind == BenchmarkQuestionKind.AsOf);
        Assert.Contains(data.Questions, q => q.SupersededTurnIds.Count > 0);
        foreach (BenchmarkQuestion q in data.Questions)
        {
            BenchmarkTurn evidence = turns[Assert.Single(q.EvidenceTurnIds)];
            Assert.Contains(q.ExpectedValue, evidence.Text, StringComparison.Ordinal);
            Assert.True(evidence.Timestamp <= q.AskedAt);
            Assert.All(q.SupersededTurnIds, id => Assert.True(turns[id].Timestamp < evidence.Timestamp));
            Assert.StartsWith(q.UserId.Replace("user-", "u", StringComparison.Ordinal), evidence.TurnId, StringComparison.Ordinal);
        }
    }
}
