namespace Myelin.Evals.Detectors;

/// <summary>A detector's verdict on one turn: a score, whether it crosses the detector's threshold, and the evidence.</summary>
/// <param name="Kind">One of <see cref="FindingKinds"/>.</param>
/// <param name="SessionId">The session.</param>
/// <param name="TurnIndex">0-based turn index.</param>
/// <param name="TraceId">The turn's trace, when known.</param>
/// <param name="Score">Failure likelihood in [0, 1].</param>
/// <param name="Flagged">Whether the score reached the threshold (only flagged findings are stored).</param>
/// <param name="Evidence">Human-readable reasons.</param>
public sealed record Finding(string Kind, string SessionId, int TurnIndex, string? TraceId, double Score, bool Flagged, IReadOnlyList<string> Evidence);
