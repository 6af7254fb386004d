using System.Diagnostics.Metrics;

namespace Myelin.Evals.Tracing;

/// <summary>The GenAI client metrics of the semantic conventions, with their advised histogram buckets.</summary>
/// <remarks>
/// Thread-safe. Instruments come from the given <see cref="IMeterFactory"/> (so hosts and tests can scope them); without
/// one, the instance owns a <see cref="Meter"/> named <see cref="EvalsAssembly.TelemetryName"/> and disposes it.
/// </remarks>
public sealed class GenAiMetrics : IDisposable
{
    /// <summary>Name of the token-usage histogram.</summary>
    public const string TokenUsageName = "gen_ai.client.token.usage";

    /// <summary>Name of the operation-duration histogram.</summary>
    public const string OperationDurationName = "gen_ai.client.operation.duration";

    /// <summary>Bucket boundaries the conventions advise for token counts.</summary>
    public static readonly IReadOnlyList<long> TokenUsageBuckets =
        [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

    /// <summary>Bucket boundaries the conventions advise for durations, in seconds.</summary>
    public static readonly IReadOnlyList<double> OperationDurationBuckets =
        [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>, or on an owned meter when null.</summary>
    public GenAiMetrics(IMeterFactory? meterFactory = null)
    {
        if (meterFactory is null)
        {
            _meter = new Meter(EvalsAssembly.TelemetryName);
            _ownsMeter = true;
        }
        else
        {
            _meter = meterFactory.Create(EvalsAssembly.TelemetryName);
        }

        TokenUsage = _meter.CreateHistogram(
            TokenUsageName,
            unit: "{token}",
            description: "Number of input and output tokens used.",
            tags: null,
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = TokenUsageBuckets });
        OperationDuration = _meter.CreateHistogram(
            OperationDurationName,
            unit: "s",
            description: "GenAI operation duration.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = OperationDurationBuckets });
    }

    /// <summary><c>gen_ai.client.token.usage</c>: tokens per call, tagged with <c>gen_ai.token.type</c>.</summary>
    public Histogram<long> TokenUsage { get; }

    /// <summary><c>gen_ai.client.operation.duration</c>: seconds per call, with <c>error.type</c> on failures.</summary>
    public Histogram<double> OperationDuration { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
