namespace Myelin.Evals;

/// <summary>Names shared by the evals room's telemetry.</summary>
public static class EvalsAssembly
{
    /// <summary>The ActivitySource and Meter name of this room.</summary>
    public const string TelemetryName = "Myelin.Evals";
}
