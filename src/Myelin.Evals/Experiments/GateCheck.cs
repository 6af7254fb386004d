namespace Myelin.Evals.Experiments;

/// <summary>The verdict on one metric of a gate.</summary>
/// <param name="Metric">Metric name.</param>
/// <param name="Passed">Whether every bound held.</param>
/// <param name="Reasons">One line per bound checked, saying the value, the bound and whether it held.</param>
public sealed record GateCheck(string Metric, bool Passed, IReadOnlyList<string> Reasons);
