using System.Numerics.Tensors;
using Myelin.Numerics.Autograd;

namespace Myelin.Numerics.Optimizers;

/// <summary>
/// Keeps an exponential moving average of parameter values (<c>shadow = d·shadow + (1 − d)·p</c>), commonly used
/// to evaluate with smoothed weights. The shadow starts as a copy of the parameters.
/// </summary>
/// <remarks>Not thread-safe. The shadow copies are owned by this object.</remarks>
public sealed class ExponentialMovingAverage
{
    private readonly Variable[] _parameters;
    private readonly float[][] _shadow;

    /// <summary>Creates the average.</summary>
    /// <param name="parameters">The parameters to track.</param>
    /// <param name="decay">Decay d in [0, 1).</param>
    public ExponentialMovingAverage(IEnumerable<Variable> parameters, float decay = 0.999f)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegative(decay);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(decay, 1f);
        _parameters = [.. parameters];
        _shadow = [.. _parameters.Select(p => p.Data.ToArray())];
        Decay = decay;
    }

    /// <summary>Decay d.</summary>
    public float Decay { get; }

    /// <summary>The averaged values of parameter <paramref name="index"/>.</summary>
    /// <param name="index">Position in the constructor's sequence.</param>
    /// <returns>The shadow values.</returns>
    public ReadOnlySpan<float> GetAverage(int index) => _shadow[index];

    /// <summary>Folds the current parameter values into the average.</summary>
    public void Update()
    {
        for (int i = 0; i < _parameters.Length; i++)
        {
            // shadow = d·shadow + (1 − d)·p  ==  shadow + (1 − d)(p − shadow)
            Span<float> s = _shadow[i];
            TensorPrimitives.Multiply(s, Decay, s);
            TensorPrimitives.MultiplyAdd(_parameters[i].Data, 1f - Decay, s, s);
        }
    }

    /// <summary>Writes the averaged values into the parameters.</summary>
    public void CopyToParameters()
    {
        for (int i = 0; i < _parameters.Length; i++)
        {
            _shadow[i].CopyTo(_parameters[i].Data);
        }
    }
}
