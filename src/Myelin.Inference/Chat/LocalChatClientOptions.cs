namespace Myelin.Inference.Chat;

/// <summary>Settings of a <see cref="LocalChatClient"/>.</summary>
public sealed class LocalChatClientOptions
{
    /// <summary>Longest prompt plus completion, in tokens; defaults to the model's context length.</summary>
    public int? ContextLength { get; set; }

    /// <summary>Completion length when the request names none.</summary>
    public int DefaultMaxTokens { get; set; } = 256;

    /// <summary>Tokens per KV block of the prefix cache.</summary>
    public int CacheBlockTokens { get; set; } = 16;

    /// <summary>Blocks in the prefix cache (0 turns prefix reuse off).</summary>
    public int CacheBlocks { get; set; } = 512;

    /// <summary>Directory of the disk KV tier that keeps evicted prefixes across restarts; null turns it off.</summary>
    public string? DiskCacheDirectory { get; set; }

    /// <summary>Disk budget of that tier.</summary>
    public long DiskCacheBytes { get; set; } = 2L << 30;

    /// <summary>
    /// Whether the constructor runs <see cref="InferenceModel.WarmUp"/> before serving, so the first request is not
    /// slowed by the JIT and by page faults on the weights.
    /// </summary>
    public bool WarmUp { get; set; } = true;

    /// <summary>
    /// Whether <see cref="LocalChatClient.Open"/> copies the weights into memory (the default: faster decode) or
    /// reads them from the file's mapping (immediate load, pages shared and reclaimable).
    /// </summary>
    public WeightPlacement WeightPlacement { get; set; } = WeightPlacement.Resident;

    /// <summary>Continuous-batching limits (step token budget, concurrent sequences, queue length, prefill chunk).</summary>
    public Scheduling.SchedulerOptions Scheduler { get; set; } = new();
}
