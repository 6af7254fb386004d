namespace Myelin.Evals.Monitoring;

/// <summary>A stored alert rule with its current state.</summary>
/// <param name="Rule">The rule (with its secret; callers showing it elsewhere leave the secret out).</param>
/// <param name="State">Current state.</param>
/// <param name="Since">When it entered that state (the rule's creation for <see cref="AlertState.Ok"/>).</param>
public sealed record AlertRuleStatus(AlertRule Rule, AlertState State, DateTimeOffset Since);
