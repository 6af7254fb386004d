namespace Myelin.Evals.Monitoring;

/// <summary>Agreement between two raters (an evaluator and humans) over paired labels.</summary>
/// <param name="Pairs">Items both raters labelled.</param>
/// <param name="Observed">p_o: share of pairs with the same label.</param>
/// <param name="Expected">p_e: agreement expected by chance from each rater's label frequencies.</param>
/// <param name="Kappa">Cohen's κ in [-1, 1]; null when undefined (no pairs, or p_e = 1).</param>
/// <param name="Labels">Every label either rater used, sorted.</param>
public sealed record Agreement(int Pairs, double Observed, double Expected, double? Kappa, IReadOnlyList<string> Labels);
