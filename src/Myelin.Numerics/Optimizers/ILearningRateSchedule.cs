namespace Myelin.Numerics.Optimizers;

/// <summary>Gives the learning rate for a step number. Implementations are immutable and thread-safe.</summary>
public interface ILearningRateSchedule
{
    /// <summary>The learning rate of step <paramref name="step"/> (0-based: the first update is step 0).</summary>
    /// <param name="step">Number of updates already applied.</param>
    /// <returns>The learning rate.</returns>
    float GetLearningRate(long step);
}
