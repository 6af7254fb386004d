namespace Myelin.Evals.Detectors;

/// <summary>
/// A detector that learned from labelled turns: it runs a hand-tuned detector, turns each turn into <see cref="TurnFeatures"/>
/// and scores it with trained logistic-regression weights (<see cref="LearnedDetectorTrainer"/>).
/// </summary>
/// <remarks>Thread-safe and deterministic when the base detector is.</remarks>
public sealed class LearnedDetector : IDetector
{
    private readonly IDetector _baseDetector;

    /// <summary>Creates the detector.</summary>
    /// <param name="baseDetector">The hand-tuned detector whose findings feed the features (same kind as the weights).</param>
    /// <param name="weights">Trained weights.</param>
    /// <param name="threshold">Flagging threshold on the predicted probability (default 0.5).</param>
    public LearnedDetector(IDetector baseDetector, LearnedDetectorWeights weights, double threshold = 0.5)
    {
        _baseDetector = baseDetector ?? throw new ArgumentNullException(nameof(baseDetector));
        Weights = weights ?? throw new ArgumentNullException(nameof(weights));
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threshold, 1);
        if (baseDetector.Kind != weights.Kind)
        {
            throw new ArgumentException($"The weights detect '{weights.Kind}' but the base detector is '{baseDetector.Kind}'.", nameof(weights));
        }

        Threshold = threshold;
    }

    /// <inheritdoc />
    public string Kind => Weights.Kind;

    /// <summary>The trained weights.</summary>
    public LearnedDetectorWeights Weights { get; }

    /// <summary>The flagging threshold.</summary>
    public double Threshold { get; }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Finding>> DetectAsync(Conversation conversation, DetectionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        IReadOnlyList<Finding> baseFindings = await _baseDetector.DetectAsync(conversation, options, cancellationToken).ConfigureAwait(false);
        double threshold = options?.Threshold ?? Threshold;
        var findings = new List<Finding>(baseFindings.Count);
        for (int i = 0; i < baseFindings.Count; i++)
        {
            double score = Weights.Predict(TurnFeatures.Compute(conversation, i, baseFindings[i]));
            findings.Add(baseFindings[i] with { Score = score, Flagged = score >= threshold });
        }

        return findings;
    }
}
