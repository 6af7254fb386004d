namespace Myelin.Evals.Detectors;

/// <summary>Base for synchronous per-turn detectors: validates input, applies the threshold and builds findings.</summary>
public abstract class DetectorBase : IDetector
{
    /// <summary>Creates the detector.</summary>
    protected DetectorBase(string kind, double threshold)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threshold, 1);
        Kind = kind;
        Threshold = threshold;
    }

    /// <inheritdoc />
    public string Kind { get; }

    /// <summary>The default flagging threshold.</summary>
    public double Threshold { get; }

    /// <inheritdoc />
    public Task<IReadOnlyList<Finding>> DetectAsync(Conversation conversation, DetectionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(conversation.Turns);
        double threshold = options?.Threshold ?? Threshold;
        var findings = new List<Finding>(conversation.Turns.Count);
        for (int i = 0; i < conversation.Turns.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var evidence = new List<string>();
            double score = Math.Clamp(ScoreTurn(conversation, i, evidence), 0, 1);
            findings.Add(new Finding(Kind, conversation.SessionId, i, conversation.Turns[i].TraceId, score, score >= threshold, evidence));
        }

        return Task.FromResult<IReadOnlyList<Finding>>(findings);
    }

    /// <summary>Scores turn <paramref name="index"/>, adding human-readable reasons to <paramref name="evidence"/>.</summary>
    protected abstract double ScoreTurn(Conversation conversation, int index, List<string> evidence);
}
