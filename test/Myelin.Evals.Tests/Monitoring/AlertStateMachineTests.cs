namespace Myelin.Evals.Monitoring;

public sealed class AlertStateMachineTests
{
    [Fact]
    public void Ok_fires_once_then_resolves_once_and_can_fire_again()
    {
        AlertState state = AlertState.Ok;
        var emitted = new List<AlertState>();
        foreach (bool? condition in new bool?[] { false, true, true, null, true, false, false, null, true })
        {
            (state, AlertState? emit) = AlertStateMachine.Step(state, condition);
            if (emit is { } e)
            {
                emitted.Add(e);
            }
        }

        Assert.Equal([AlertState.Firing, AlertState.Resolved, AlertState.Firing], emitted);
        Assert.Equal(AlertState.Firing, state);
    }

    [Fact]
    public void Sparse_windows_hold_every_state()
    {
        foreach (AlertState state in Enum.GetValues<AlertState>())
        {
            Assert.Equal((state, (AlertState?)null), AlertStateMachine.Step(state, null));
        }
    }

    [Theory]
    [InlineData(AlertRuleKind.FindingRate, 10, 0.5, null, true)]
    [InlineData(AlertRuleKind.FindingRate, 10, 0.49, null, false)]
    [InlineData(AlertRuleKind.FindingRate, 4, 1.0, null, null)]
    [InlineData(AlertRuleKind.ScoreBelow, 10, null, 0.39, true)]
    [InlineData(AlertRuleKind.ScoreBelow, 10, null, 0.4, false)]
    [InlineData(AlertRuleKind.ScoreBelow, 10, null, null, false)]
    public void Conditions_compare_the_window_with_the_threshold_after_the_minimum_count(
        AlertRuleKind kind, long traces, double? rate, double? mean, bool? expected)
    {
        var rule = new AlertRule { Name = "r", Kind = kind, Target = "t", Threshold = kind == AlertRuleKind.FindingRate ? 0.5 : 0.4, MinCount = 5 };
        Assert.Equal(expected, rule.Condition(traces, rate, mean));
    }
}
