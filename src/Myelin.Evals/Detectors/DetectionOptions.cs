namespace Myelin.Evals.Detectors;

/// <summary>Per-call detection options.</summary>
public sealed class DetectionOptions
{
    /// <summary>Overrides the detector's flagging threshold (0-1); null keeps its own.</summary>
    public double? Threshold { get; set; }
}
