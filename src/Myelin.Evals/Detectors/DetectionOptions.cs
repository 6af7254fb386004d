using Myelin.Core;

namespace Myelin.Evals.Detectors;

/// <summary>Per-call detection options.</summary>
public sealed class DetectionOptions
{
    /// <summary>Overrides the detector's flagging threshold (0-1); null keeps its own.</summary>
    public double? Threshold { get; set; }

    /// <summary>The tenant whose judge-cache rows a judged detection uses. Defaults to <see cref="TenantId.Default"/>.</summary>
    public TenantId? Tenant { get; set; }
}
