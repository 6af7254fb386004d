using System.Numerics.Tensors;
using Myelin.Numerics.Autograd;

namespace Myelin.Numerics.Optimizers;

/// <summary>
/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay, with PyTorch's
/// update rule: <c>g = ∇ + λp; b = μb + g; p −= lr · (nesterov ? g + μb : b)</c> (the first step sets <c>b = g</c>).
/// </summary>
public sealed class Sgd : Optimizer
{
    private readonly float[]?[] _momentum;

    /// <summary>Creates the optimiser.</summary>
    /// <param name="parameters">Trainable variables.</param>
    /// <param name="learningRate">Learning rate.</param>
    /// <param name="momentum">Momentum factor μ (0 for plain SGD).</param>
    /// <param name="nesterov">Use Nesterov momentum (needs μ &gt; 0).</param>
    /// <param name="weightDecay">L2 penalty λ added to the gradient.</param>
    public Sgd(IEnumerable<Variable> parameters, float learningRate, float momentum = 0f, bool nesterov = false, float weightDecay = 0f)
        : base(parameters, learningRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(momentum);
        ArgumentOutOfRangeException.ThrowIfNegative(weightDecay);
        if (nesterov && momentum == 0f)
        {
            throw new ArgumentException("Nesterov momentum needs a momentum factor above 0.", nameof(nesterov));
        }

        Momentum = momentum;
        Nesterov = nesterov;
        WeightDecay = weightDecay;
        _momentum = new float[]?[Parameters.Count];
    }

    /// <summary>Momentum factor μ.</summary>
    public float Momentum { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <summary>L2 weight decay λ.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc />
    protected override void Update(int index, Span<float> parameter, ReadOnlySpan<float> gradient, float learningRate, long step)
    {
        if (Momentum == 0f && WeightDecay == 0f)
        {
            TensorPrimitives.MultiplyAdd(gradient, -learningRate, parameter, parameter);
            return;
        }

        float[]? buf = _momentum[index];
        bool first = buf is null;
        if (Momentum != 0f)
        {
            buf ??= _momentum[index] = new float[parameter.Length];
        }

        for (int i = 0; i < parameter.Length; i++)
        {
            float g = gradient[i] + (WeightDecay * parameter[i]);
            if (buf is not null)
            {
                float b = first ? g : (Momentum * buf[i]) + g;
                buf[i] = b;
                g = Nesterov ? g + (Momentum * b) : b;
            }

            parameter[i] -= learningRate * g;
        }
    }
}
