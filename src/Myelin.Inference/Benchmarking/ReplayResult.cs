namespace Myelin.Inference.Benchmarking;

/// <summary>What one replayed request measured.</summary>
/// <param name="Session">Session index.</param>
/// <param name="Turn">Turn index within the session.</param>
/// <param name="TimeToFirstToken">Time from sending to the first text.</param>
/// <param name="InterTokenLatencies">Times between consecutive text chunks.</param>
/// <param name="Elapsed">Time from sending to the end of the stream.</param>
/// <param name="PromptTokens">Prompt tokens the server counted.</param>
/// <param name="CachedTokens">Prompt tokens the server reported as cached.</param>
/// <param name="CompletionTokens">Tokens generated.</param>
/// <param name="IdealCachedTokens">Prompt tokens an ideal tree-shaped cache would hold (when a tokenizer was given).</param>
public sealed record ReplayResult(
    int Session,
    int Turn,
    TimeSpan TimeToFirstToken,
    IReadOnlyList<TimeSpan> InterTokenLatencies,
    TimeSpan Elapsed,
    long PromptTokens,
    long CachedTokens,
    long CompletionTokens,
    long? IdealCachedTokens);
