namespace Myelin.Evals.Monitoring;

/// <summary>What an alert rule watches.</summary>
public enum AlertRuleKind
{
    /// <summary>The share of evaluated traces with a flagged finding of <see cref="AlertRule.Target"/> reaches <see cref="AlertRule.Threshold"/>.</summary>
    FindingRate,

    /// <summary>The mean score of metric <see cref="AlertRule.Target"/> over evaluated traces falls below <see cref="AlertRule.Threshold"/>.</summary>
    ScoreBelow,
}
