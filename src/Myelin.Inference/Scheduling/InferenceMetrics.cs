using System.Diagnostics.Metrics;

namespace Myelin.Inference.Scheduling;

/// <summary>
/// Engine metrics with vLLM's meanings: time to first token, inter-token latency, queue time, end-to-end latency,
/// prompt and generation tokens, prefix-cache queries and hits, running and waiting requests; and the engine time
/// spent in the prefix cache.
/// </summary>
internal sealed class InferenceMetrics
{
    private static readonly double[] s_latencyBuckets = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 10, 20, 40, 80];

    private readonly KeyValuePair<string, object?> _model;

    public InferenceMetrics(Meter meter, string model, Func<int> running, Func<int> waiting, Func<double> kvUsage)
    {
        _model = new("model", model);
        TimeToFirstToken = meter.CreateHistogram("myelin.inference.time_to_first_token", "s", "Time from arrival to the first generated token.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_latencyBuckets });
        InterTokenLatency = meter.CreateHistogram("myelin.inference.inter_token_latency", "s", "Time between consecutive generated tokens.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_latencyBuckets });
        QueueTime = meter.CreateHistogram("myelin.inference.queue_time", "s", "Time a request waited before it was scheduled.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_latencyBuckets });
        EndToEnd = meter.CreateHistogram("myelin.inference.e2e_request_latency", "s", "Time from arrival to the last token.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_latencyBuckets });
        PromptTokens = meter.CreateCounter<long>("myelin.inference.prompt_tokens", "{token}", "Prompt tokens processed (computed or cached).");
        GenerationTokens = meter.CreateCounter<long>("myelin.inference.generation_tokens", "{token}", "Tokens generated.");
        PrefixCacheQueries = meter.CreateCounter<long>("myelin.inference.prefix_cache_queries", "{token}", "Prompt tokens looked up in the prefix cache.");
        PrefixCacheHits = meter.CreateCounter<long>("myelin.inference.prefix_cache_hits", "{token}", "Prompt tokens found in the prefix cache.");
        PrefixCacheTime = meter.CreateCounter<double>("myelin.inference.prefix_cache_time", "s", "Engine time spent in the prefix cache (lookups, loads, stores, eviction).");
        meter.CreateObservableGauge("myelin.inference.requests_running", () => new Measurement<int>(running(), _model), "{request}", "Requests generating now.");
        meter.CreateObservableGauge("myelin.inference.requests_waiting", () => new Measurement<int>(waiting(), _model), "{request}", "Requests waiting for a slot.");
        meter.CreateObservableGauge("myelin.inference.kv_cache_usage", () => new Measurement<double>(kvUsage(), _model), "1", "Share of prefix-cache KV blocks in use.");
    }

    public Histogram<double> TimeToFirstToken { get; }

    public Histogram<double> InterTokenLatency { get; }

    public Histogram<double> QueueTime { get; }

    public Histogram<double> EndToEnd { get; }

    public Counter<long> PromptTokens { get; }

    public Counter<long> GenerationTokens { get; }

    public Counter<long> PrefixCacheQueries { get; }

    public Counter<long> PrefixCacheHits { get; }

    public Counter<double> PrefixCacheTime { get; }

    /// <summary>Records a duration in seconds, tagged with the model.</summary>
    public void Record(Histogram<double> histogram, double seconds) => histogram.Record(seconds, _model);

    /// <summary>Adds to a counter, tagged with the model.</summary>
    public void Add(Counter<long> counter, long value) => counter.Add(value, _model);

    /// <summary>Adds to a counter, tagged with the model.</summary>
    public void Add(Counter<double> counter, double value) => counter.Add(value, _model);
}
