using Microsoft.Extensions.AI;

namespace Myelin.Memory.Context;

/// <summary>Settings of <see cref="ContextBuilder"/>.</summary>
public sealed class ContextBuilderOptions
{
    /// <summary>How tokens are counted (default <see cref="ApproximateTokenCounter"/>; plug the model's tokenizer for an exact fit).</summary>
    public ITokenCounter TokenCounter { get; init; } = ApproximateTokenCounter.Default;

    /// <summary>Tokens kept free for the answer (default 512).</summary>
    public int ReserveForAnswer { get; init; } = 512;

    /// <summary>Most memories to include (default 8).</summary>
    public int MaxMemories { get; init; } = 8;

    /// <summary>Memories scoring below this are left out (default 0: none).</summary>
    public double MinMemoryScore { get; init; }

    /// <summary>The largest share of the available tokens the memories may take (0 to 1, default 0.3), so that a long
    /// conversation does not starve them and they do not crowd it out.</summary>
    public double MemoryShare { get; init; } = 0.3;

    /// <summary>The most tokens the summary of older turns may take (default 512).</summary>
    public int MaxSummaryTokens { get; init; } = 512;

    /// <summary>Tokens each message costs beyond its text (role markers and separators in chat templates; default 4).</summary>
    public int PerMessageOverhead { get; init; } = 4;

    /// <summary>The model that writes summaries; null for the extractive summary only.</summary>
    public IChatClient? Summariser { get; init; }

    /// <summary>How long one summariser call may take before the extractive summary is used (default 30 s).</summary>
    public TimeSpan SummariserTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The most characters of transcript sent to the summariser; the newest turns are kept (default 32,000).</summary>
    public int MaxSummariserInputChars { get; init; } = 32_000;

    /// <summary>Breaks ties between equally informative sentences in the extractive summary (default 0).</summary>
    public ulong Seed { get; init; }
}
