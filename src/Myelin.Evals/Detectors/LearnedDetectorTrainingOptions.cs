namespace Myelin.Evals.Detectors;

/// <summary>Settings of <see cref="LearnedDetectorTrainer"/>.</summary>
public sealed class LearnedDetectorTrainingOptions
{
    /// <summary>Full-batch steps (default 400).</summary>
    public int Epochs { get; set; } = 400;

    /// <summary>Adam learning rate (default 0.05).</summary>
    public float LearningRate { get; set; } = 0.05f;

    /// <summary>L2 penalty on the weights (default 0.001).</summary>
    public float L2 { get; set; } = 0.001f;

    /// <summary>Seed of the initial weights.</summary>
    public ulong Seed { get; set; } = 1;
}
