using Myelin.Numerics.Autograd;

namespace Myelin.Numerics.Optimizers;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter): Adam with decoupled weight decay, matching <c>torch.optim.AdamW</c>:
/// <c>p ← p · (1 − lr·λ)</c>, then the Adam step without an L2 term.
/// </summary>
public sealed class AdamW : Adam
{
    /// <summary>Creates the optimiser.</summary>
    /// <param name="parameters">Trainable variables.</param>
    /// <param name="learningRate">Learning rate.</param>
    /// <param name="beta1">Decay of the first moment.</param>
    /// <param name="beta2">Decay of the second moment.</param>
    /// <param name="epsilon">Added to the denominator.</param>
    /// <param name="weightDecay">Decoupled weight decay λ.</param>
    public AdamW(
        IEnumerable<Variable> parameters, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f,
        float epsilon = 1e-8f, float weightDecay = 0.01f)
        : base(parameters, learningRate, beta1, beta2, epsilon, weightDecay, decoupled: true)
    {
    }
}
