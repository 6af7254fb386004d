namespace Myelin.Evals.Detectors;

/// <summary>Scores every turn of a conversation for one kind of invisible failure; usable online (traces) and offline (datasets).</summary>
/// <remarks>Implementations are thread-safe and deterministic for the same input.</remarks>
public interface IDetector
{
    /// <summary>The finding kind (one of <see cref="FindingKinds"/>).</summary>
    string Kind { get; }

    /// <summary>Scores each turn; one finding per turn, flagged when its score reaches the threshold.</summary>
    /// <param name="conversation">The session.</param>
    /// <param name="options">Per-call options; null for defaults.</param>
    /// <param name="cancellationToken">Cancels detection.</param>
    Task<IReadOnlyList<Finding>> DetectAsync(Conversation conversation, DetectionOptions? options = null, CancellationToken cancellationToken = default);
}
