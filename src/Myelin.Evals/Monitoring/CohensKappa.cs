namespace Myelin.Evals.Monitoring;

/// <summary>Cohen's kappa: agreement of two raters on categorical labels, corrected for the agreement expected by chance.</summary>
public static class CohensKappa
{
    /// <summary>
    /// Computes κ = (p_o - p_e) / (1 - p_e) over paired labels, where p_o is the share of pairs that agree and p_e is
    /// Σ_k (share of A's labels that are k) × (share of B's labels that are k). Labels compare ordinally (case-sensitive).
    /// </summary>
    /// <returns>
    /// The agreement; <see cref="Agreement.Kappa"/> is null when it is undefined: no pairs, or p_e = 1 (both raters used
    /// one and the same label throughout, so chance explains all agreement).
    /// </returns>
    public static Agreement Compute(IReadOnlyList<(string A, string B)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count == 0)
        {
            return new Agreement(0, 0, 0, null, []);
        }

        var countsA = new Dictionary<string, int>(StringComparer.Ordinal);
        var countsB = new Dictionary<string, int>(StringComparer.Ordinal);
        int agree = 0;
        foreach ((string a, string b) in pairs)
        {
            ArgumentNullException.ThrowIfNull(a);
            ArgumentNullException.ThrowIfNull(b);
            countsA[a] = countsA.GetValueOrDefault(a) + 1;
            countsB[b] = countsB.GetValueOrDefault(b) + 1;
            agree += string.Equals(a, b, StringComparison.Ordinal) ? 1 : 0;
        }

        double n = pairs.Count;
        double observed = agree / n;
        double expected = 0;
        foreach ((string label, int countA) in countsA)
        {
            expected += countA / n * (countsB.GetValueOrDefault(label) / n);
        }

        string[] labels = [.. countsA.Keys.Union(countsB.Keys).Order(StringComparer.Ordinal)];
        // p_e is a sum of products of shares, so rounding can leave it a hair off 1 when both raters used one label.
        double? kappa = expected >= 1 - 1e-12 ? null : (observed - expected) / (1 - expected);
        return new Agreement(pairs.Count, observed, expected, kappa, labels);
    }
}
