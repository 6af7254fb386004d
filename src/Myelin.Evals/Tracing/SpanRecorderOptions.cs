using Myelin.Core;

namespace Myelin.Evals.Tracing;

/// <summary>Settings of <see cref="SpanRecorder"/>.</summary>
public sealed class SpanRecorderOptions
{
    /// <summary>The tenant whose log receives the spans.</summary>
    public TenantId Tenant { get; set; } = TenantId.Default;

    /// <summary>ActivitySource names to record; by default only <see cref="EvalsAssembly.TelemetryName"/>.</summary>
    public IReadOnlyList<string> Sources { get; set; } = [EvalsAssembly.TelemetryName];

    /// <summary>Resource attributes stored with every span (e.g. <c>service.name</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Resource { get; set; } = [];

    /// <summary>How many finished spans may wait for the log; beyond this new spans are dropped and counted. Default 10,000.</summary>
    public int Capacity { get; set; } = 10_000;

    /// <summary>The most spans written in one append. Default 500.</summary>
    public int MaxBatchSize { get; set; } = 500;

    /// <summary>How often a failing append is tried before its spans are counted as failed. Default 3.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Pause before the first retry; doubles on each further one. Default 100 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Throws <see cref="MyelinValidationException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        if (Tenant.Value is null)
        {
            throw new MyelinValidationException("invalid_recorder_options", "SpanRecorderOptions.Tenant is required.");
        }

        if (Sources is null || Sources.Count == 0 || Sources.Any(string.IsNullOrWhiteSpace))
        {
            throw new MyelinValidationException("invalid_recorder_options", "SpanRecorderOptions.Sources needs at least one non-empty source name.");
        }

        if (Resource is null)
        {
            throw new MyelinValidationException("invalid_recorder_options", "SpanRecorderOptions.Resource must not be null.");
        }

        if (Capacity < 1 || MaxBatchSize < 1 || MaxBatchSize > Core.Log.ExperienceRecordRules.MaxBatchSize / 2 || MaxAttempts < 1)
        {
            throw new MyelinValidationException(
                "invalid_recorder_options",
                $"Capacity and MaxAttempts must be at least 1 and MaxBatchSize 1-{Core.Log.ExperienceRecordRules.MaxBatchSize / 2}.");
        }

        if (RetryDelay < TimeSpan.Zero)
        {
            throw new MyelinValidationException("invalid_recorder_options", "SpanRecorderOptions.RetryDelay must not be negative.");
        }
    }
}
