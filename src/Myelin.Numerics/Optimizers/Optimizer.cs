using Myelin.Numerics.Autograd;

namespace Myelin.Numerics.Optimizers;

/// <summary>
/// Base class of the first-order optimisers: holds the parameters, the learning rate (fixed or from a
/// <see cref="ILearningRateSchedule"/>) and the step counter, and applies a per-parameter update rule.
/// </summary>
/// <remarks>
/// Parameters without a gradient buffer (no gradient ever reached them) are skipped. The optimiser does not zero
/// gradients on its own; call <see cref="ZeroGrad"/> after <see cref="Step"/>, which lets callers accumulate
/// micro-batches. Not thread-safe.
/// </remarks>
public abstract class Optimizer
{
    private readonly Variable[] _parameters;

    /// <summary>Initialises the optimiser.</summary>
    /// <param name="parameters">Trainable variables; each must require gradients.</param>
    /// <param name="learningRate">The base learning rate.</param>
    protected Optimizer(IEnumerable<Variable> parameters, float learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = [.. parameters];
        foreach (Variable p in _parameters)
        {
            if (!p.RequiresGrad)
            {
                throw new ArgumentException($"Parameter '{p.Name}' does not require gradients.", nameof(parameters));
            }
        }

        ArgumentOutOfRangeException.ThrowIfNegative(learningRate);
        LearningRate = learningRate;
    }

    /// <summary>The parameters being optimised.</summary>
    public IReadOnlyList<Variable> Parameters => _parameters;

    /// <summary>The learning rate used when no <see cref="Schedule"/> is set.</summary>
    public float LearningRate { get; set; }

    /// <summary>If set, gives the learning rate of each step (by <see cref="StepCount"/>), overriding <see cref="LearningRate"/>.</summary>
    public ILearningRateSchedule? Schedule { get; set; }

    /// <summary>Number of completed <see cref="Step"/> calls.</summary>
    public long StepCount { get; private set; }

    /// <summary>The learning rate the next <see cref="Step"/> will use.</summary>
    public float CurrentLearningRate => Schedule?.GetLearningRate(StepCount) ?? LearningRate;

    /// <summary>Applies one update to every parameter that has a gradient.</summary>
    public void Step()
    {
        float lr = CurrentLearningRate;
        StepCount++;
        for (int i = 0; i < _parameters.Length; i++)
        {
            Variable p = _parameters[i];
            if (p.HasGrad)
            {
                Update(i, p.Data, p.Grad, lr, StepCount);
            }
        }
    }

    /// <summary>Zeroes every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (Variable p in _parameters)
        {
            p.ZeroGrad();
        }
    }

    /// <summary>Updates one parameter in place.</summary>
    /// <param name="index">Position of the parameter in <see cref="Parameters"/> (for per-parameter state).</param>
    /// <param name="parameter">The values to update.</param>
    /// <param name="gradient">Their gradient.</param>
    /// <param name="learningRate">This step's learning rate.</param>
    /// <param name="step">The 1-based number of this step.</param>
    protected abstract void Update(int index, Span<float> parameter, ReadOnlySpan<float> gradient, float learningRate, long step);
}
