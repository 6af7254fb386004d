namespace Myelin.Evals.Monitoring;

/// <summary>A state change of an alert rule.</summary>
/// <param name="Id">Event id (per installation).</param>
/// <param name="Rule">The rule's name.</param>
/// <param name="State"><see cref="AlertState.Firing"/> or <see cref="AlertState.Resolved"/>.</param>
/// <param name="At">When the rule changed state.</param>
/// <param name="Traces">Evaluated traces in the window.</param>
/// <param name="Flagged">Of those, traces with a flagged result.</param>
/// <param name="Value">The observed value: the rate for finding-rate rules, the mean score for score rules.</param>
/// <param name="Threshold">The rule's threshold at the time.</param>
public sealed record AlertEvent(long Id, string Rule, AlertState State, DateTimeOffset At, long Traces, long Flagged, double? Value, double Threshold);
