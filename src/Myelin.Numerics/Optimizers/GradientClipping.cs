using System.Numerics.Tensors;
using Myelin.Numerics.Autograd;

namespace Myelin.Numerics.Optimizers;

/// <summary>Gradient clipping by global L2 norm, as <c>torch.nn.utils.clip_grad_norm_</c>.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales every gradient by <c>maxNorm / (norm + 1e-6)</c> when the global norm exceeds <paramref name="maxNorm"/>.
    /// </summary>
    /// <param name="parameters">The parameters whose gradients are clipped together.</param>
    /// <param name="maxNorm">The largest allowed global norm.</param>
    /// <returns>The global norm before clipping.</returns>
    public static float ClipGlobalNorm(IEnumerable<Variable> parameters, float maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxNorm);
        Variable[] ps = [.. parameters.Where(p => p.HasGrad)];
        double sumSquares = 0;
        foreach (Variable p in ps)
        {
            sumSquares += TensorPrimitives.SumOfSquares(p.Grad);
        }

        float norm = (float)Math.Sqrt(sumSquares);
        if (norm > maxNorm)
        {
            float scale = maxNorm / (norm + 1e-6f);
            foreach (Variable p in ps)
            {
                TensorPrimitives.Multiply(p.Grad, scale, p.Grad);
            }
        }

        return norm;
    }
}
