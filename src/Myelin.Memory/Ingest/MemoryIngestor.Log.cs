using Microsoft.Extensions.Logging;

namespace Myelin.Memory.Ingest;

/// <content>Source-generated log messages.</content>
public sealed partial class MemoryIngestor
{
    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning,
        Message = "Extractor {Extractor} output for tenant {Tenant} stayed invalid after {Attempts} attempts and was quarantined: {Error}")]
    private static partial void LogQuarantined(ILogger logger, string tenant, string extractor, int attempts, string error);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Error,
        Message = "An extraction job of {TurnCount} turns for tenant {Tenant} failed; its turns were quarantined")]
    private static partial void LogJobFailed(ILogger logger, Exception exception, string tenant, int turnCount);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Error, Message = "Quarantining a failed extraction job for tenant {Tenant} failed too")]
    private static partial void LogQuarantineFailed(ILogger logger, Exception exception, string tenant);
}
