namespace Myelin.Memory;

/// <summary>Names shared by the memory room's telemetry.</summary>
public static class MemoryAssembly
{
    /// <summary>The ActivitySource and Meter name of this room.</summary>
    public const string TelemetryName = "Myelin.Memory";
}
