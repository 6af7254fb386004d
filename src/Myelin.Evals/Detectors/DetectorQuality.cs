namespace Myelin.Evals.Detectors;

/// <summary>Precision and recall at a threshold, and AUROC, of detector scores against labels.</summary>
/// <param name="Positives">Labelled failures.</param>
/// <param name="Negatives">Labelled non-failures.</param>
/// <param name="Precision">Flagged that were failures / flagged (0 when none flagged).</param>
/// <param name="Recall">Failures flagged / failures.</param>
/// <param name="Auroc">Area under the ROC curve: the chance a random failure outscores a random non-failure (ties count half).</param>
public sealed record DetectorQuality(int Positives, int Negatives, double Precision, double Recall, double Auroc)
{
    /// <summary>Computes the quality of <paramref name="scored"/> at <paramref name="threshold"/>.</summary>
    /// <exception cref="ArgumentException">There are no positives or no negatives.</exception>
    public static DetectorQuality Compute(IReadOnlyList<(double Score, bool Label)> scored, double threshold)
    {
        ArgumentNullException.ThrowIfNull(scored);
        double[] pos = [.. scored.Where(s => s.Label).Select(s => s.Score)];
        double[] neg = [.. scored.Where(s => !s.Label).Select(s => s.Score)];
        if (pos.Length == 0 || neg.Length == 0)
        {
            throw new ArgumentException("AUROC needs at least one positive and one negative.", nameof(scored));
        }

        int truePositives = pos.Count(s => s >= threshold);
        int flagged = truePositives + neg.Count(s => s >= threshold);
        double wins = 0;
        foreach (double p in pos)
        {
            foreach (double n in neg)
            {
                wins += p > n ? 1 : p == n ? 0.5 : 0;
            }
        }

        return new DetectorQuality(
            pos.Length,
            neg.Length,
            flagged == 0 ? 0 : truePositives / (double)flagged,
            truePositives / (double)pos.Length,
            wins / ((double)pos.Length * neg.Length));
    }
}
