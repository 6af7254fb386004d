namespace Myelin.Inference.Scheduling;

/// <summary>Limits of the continuous-batching scheduler.</summary>
public sealed class SchedulerOptions
{
    /// <summary>Tokens one forward pass may carry: every running decode (one token each) first, then prefill chunks.</summary>
    public int MaxBatchTokens { get; set; } = 512;

    /// <summary>Sequences generating at once.</summary>
    public int MaxRunning { get; set; } = 8;

    /// <summary>Requests that may wait for a slot; beyond this, <see cref="EngineScheduler.Submit"/> refuses.</summary>
    public int MaxQueued { get; set; } = 64;

    /// <summary>Largest prefill chunk of one sequence in one step.</summary>
    public int PrefillChunk { get; set; } = 256;

    /// <summary>Throws when a limit is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchTokens, 1, nameof(MaxBatchTokens));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRunning, 1, nameof(MaxRunning));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxQueued, 0, nameof(MaxQueued));
        ArgumentOutOfRangeException.ThrowIfLessThan(PrefillChunk, 1, nameof(PrefillChunk));
        if (MaxBatchTokens < MaxRunning)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatchTokens), "The step budget must fit one decode token per running sequence.");
        }
    }
}
