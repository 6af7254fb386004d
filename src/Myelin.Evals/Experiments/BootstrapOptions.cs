namespace Myelin.Evals.Experiments;

/// <summary>Settings of the paired bootstrap behind comparison confidence intervals.</summary>
public sealed class BootstrapOptions
{
    /// <summary>Resamples (100-100,000, default 2,000).</summary>
    public int Resamples { get; set; } = 2000;

    /// <summary>Confidence level of the interval (0.5-0.999, default 0.95).</summary>
    public double Confidence { get; set; } = 0.95;

    /// <summary>Random seed: the same runs and seed always give the same interval.</summary>
    public int Seed { get; set; } = 12345;
}
