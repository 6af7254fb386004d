namespace Myelin.Evals.Detectors;

/// <summary>The kinds of invisible failure the detectors look for.</summary>
public static class FindingKinds
{
    /// <summary>A confident answer with evidence of error.</summary>
    public const string ConfidenceTrap = "confidence_trap";

    /// <summary>Answers drifting from what the user asked.</summary>
    public const string Drift = "drift";

    /// <summary>An answer that does not fit the question's type, entities or constraints.</summary>
    public const string SilentMismatch = "silent_mismatch";
}
