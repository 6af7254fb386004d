namespace Myelin.Evals.Experiments;

/// <summary>A gate's verdict on a run: passed when every metric check passed.</summary>
/// <param name="Passed">Overall verdict.</param>
/// <param name="Checks">One check per threshold.</param>
public sealed record GateResult(bool Passed, IReadOnlyList<GateCheck> Checks);
