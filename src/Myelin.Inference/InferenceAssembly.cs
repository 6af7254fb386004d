namespace Myelin.Inference;

/// <summary>Names shared by the inference room's telemetry.</summary>
public static class InferenceAssembly
{
    /// <summary>The ActivitySource and Meter name of this room.</summary>
    public const string TelemetryName = "Myelin.Inference";
}
