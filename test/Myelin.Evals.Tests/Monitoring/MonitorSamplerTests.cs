using System.Globalization;

namespace Myelin.Evals.Monitoring;

public sealed class MonitorSamplerTests
{
    private static readonly string[] s_ids = [.. Enumerable.Range(0, 20_000).Select(i => i.ToString("x32", CultureInfo.InvariantCulture))];

    [Fact]
    public void The_same_seed_and_trace_always_give_the_same_position()
    {
        Assert.Equal(MonitorSampler.Position(7, s_ids[3]), MonitorSampler.Position(7, s_ids[3]));
        Assert.NotEqual(MonitorSampler.Position(7, s_ids[3]), MonitorSampler.Position(8, s_ids[3]));
        Assert.All(s_ids.Take(1000), id => Assert.InRange(MonitorSampler.Position(1, id), 0, 0.9999999999));
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void The_sampled_share_is_close_to_the_rate_even_for_sequential_ids(double rate)
    {
        double share = s_ids.Count(id => MonitorSampler.Includes(rate, 42, id)) / (double)s_ids.Length;

        // 20,000 draws: the standard error is at most 0.0036, so 0.015 is over 4 of them.
        Assert.InRange(share, rate - 0.015, rate + 0.015);
    }

    [Fact]
    public void Raising_the_rate_only_adds_traces_and_the_ends_are_exact()
    {
        string[] low = [.. s_ids.Where(id => MonitorSampler.Includes(0.2, 5, id))];
        string[] high = [.. s_ids.Where(id => MonitorSampler.Includes(0.6, 5, id))];

        Assert.Subset(high.ToHashSet(), low.ToHashSet());
        Assert.DoesNotContain(s_ids, id => MonitorSampler.Includes(0, 5, id));
        Assert.All(s_ids, id => Assert.True(MonitorSampler.Includes(1, 5, id)));
    }
}
