namespace Myelin.Numerics.Optimizers;

/// <summary>
/// Linear warm-up from 0 to <see cref="PeakLearningRate"/> over <see cref="WarmupSteps"/> steps (step s uses
/// <c>peak · (s + 1) / warmup</c>), then cosine decay to <see cref="MinLearningRate"/> at <see cref="TotalSteps"/>,
/// constant afterwards. With <c>TotalSteps == WarmupSteps</c> it is warm-up then constant.
/// </summary>
public sealed class WarmupCosineSchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="peakLearningRate">Rate at the end of warm-up.</param>
    /// <param name="warmupSteps">Warm-up length (0 for none).</param>
    /// <param name="totalSteps">Step at which the decay reaches the minimum.</param>
    /// <param name="minLearningRate">Final rate.</param>
    public WarmupCosineSchedule(float peakLearningRate, long warmupSteps, long totalSteps, float minLearningRate = 0f)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSteps, warmupSteps);
        PeakLearningRate = peakLearningRate;
        WarmupSteps = warmupSteps;
        TotalSteps = totalSteps;
        MinLearningRate = minLearningRate;
    }

    /// <summary>Rate at the end of warm-up.</summary>
    public float PeakLearningRate { get; }

    /// <summary>Warm-up length in steps.</summary>
    public long WarmupSteps { get; }

    /// <summary>Step at which the decay ends.</summary>
    public long TotalSteps { get; }

    /// <summary>Final rate.</summary>
    public float MinLearningRate { get; }

    /// <inheritdoc />
    public float GetLearningRate(long step)
    {
        if (step < WarmupSteps)
        {
            return PeakLearningRate * (step + 1) / WarmupSteps;
        }

        long decay = TotalSteps - WarmupSteps;
        if (decay == 0)
        {
            return PeakLearningRate;
        }

        double progress = Math.Min(1.0, (double)(step - WarmupSteps) / decay);
        return (float)(MinLearningRate + (0.5 * (PeakLearningRate - MinLearningRate) * (1 + Math.Cos(Math.PI * progress))));
    }
}
