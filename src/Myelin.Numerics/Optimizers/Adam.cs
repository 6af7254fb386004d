using System.Numerics;
using System.Runtime.InteropServices;
using Myelin.Numerics.Autograd;

namespace Myelin.Numerics.Optimizers;

/// <summary>
/// Adam (Kingma &amp; Ba) with bias correction and optional L2 weight decay added to the gradient, matching
/// <c>torch.optim.Adam</c>: <c>m = β₁m + (1−β₁)g; v = β₂v + (1−β₂)g²; p −= lr · m̂ / (√v̂ + ε)</c>.
/// </summary>
/// <remarks>The update loop is vectorised with <see cref="Vector{T}"/>; the remainder uses the same formula in scalar form.</remarks>
public class Adam : Optimizer
{
    private readonly float[][] _m;
    private readonly float[][] _v;
    private readonly bool _decoupled;

    /// <summary>Creates the optimiser.</summary>
    /// <param name="parameters">Trainable variables.</param>
    /// <param name="learningRate">Learning rate.</param>
    /// <param name="beta1">Decay of the first moment.</param>
    /// <param name="beta2">Decay of the second moment.</param>
    /// <param name="epsilon">Added to the denominator.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    public Adam(
        IEnumerable<Variable> parameters, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f,
        float epsilon = 1e-8f, float weightDecay = 0f)
        : this(parameters, learningRate, beta1, beta2, epsilon, weightDecay, decoupled: false)
    {
    }

    /// <summary>Creates the optimiser, choosing how weight decay is applied.</summary>
    /// <param name="parameters">Trainable variables.</param>
    /// <param name="learningRate">Learning rate.</param>
    /// <param name="beta1">Decay of the first moment.</param>
    /// <param name="beta2">Decay of the second moment.</param>
    /// <param name="epsilon">Added to the denominator.</param>
    /// <param name="weightDecay">Weight decay factor.</param>
    /// <param name="decoupled">True: shrink the weights directly (AdamW); false: add λp to the gradient (Adam).</param>
    protected Adam(
        IEnumerable<Variable> parameters, float learningRate, float beta1, float beta2, float epsilon, float weightDecay, bool decoupled)
        : base(parameters, learningRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(beta1);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(beta1, 1f);
        ArgumentOutOfRangeException.ThrowIfNegative(beta2);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(beta2, 1f);
        ArgumentOutOfRangeException.ThrowIfNegative(weightDecay);
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        _decoupled = decoupled;
        _m = [.. Parameters.Select(p => new float[p.Length])];
        _v = [.. Parameters.Select(p => new float[p.Length])];
    }

    /// <summary>First-moment decay β₁.</summary>
    public float Beta1 { get; }

    /// <summary>Second-moment decay β₂.</summary>
    public float Beta2 { get; }

    /// <summary>Denominator term ε.</summary>
    public float Epsilon { get; }

    /// <summary>Weight decay factor.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc />
    protected override void Update(int index, Span<float> parameter, ReadOnlySpan<float> gradient, float learningRate, long step)
    {
        Span<float> m = _m[index];
        Span<float> v = _v[index];
        float b1 = Beta1, b2 = Beta2, eps = Epsilon;
        float c1 = 1f / (1f - MathF.Pow(b1, step));
        float c2 = 1f / (1f - MathF.Pow(b2, step));
        float l2 = _decoupled ? 0f : WeightDecay;
        float shrink = _decoupled ? 1f - (learningRate * WeightDecay) : 1f;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ref float pr = ref MemoryMarshal.GetReference(parameter);
            ref float gr = ref MemoryMarshal.GetReference(gradient);
            ref float mr = ref MemoryMarshal.GetReference(m);
            ref float vr = ref MemoryMarshal.GetReference(v);
            for (; i <= parameter.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var p = Vector.LoadUnsafe(ref pr, (nuint)i) * shrink;
                var g = Vector.LoadUnsafe(ref gr, (nuint)i) + (p * l2);
                var mv = (Vector.LoadUnsafe(ref mr, (nuint)i) * b1) + (g * (1f - b1));
                var vv = (Vector.LoadUnsafe(ref vr, (nuint)i) * b2) + (g * g * (1f - b2));
                mv.StoreUnsafe(ref mr, (nuint)i);
                vv.StoreUnsafe(ref vr, (nuint)i);
                var upd = mv * c1 / (Vector.SquareRoot(vv * c2) + new Vector<float>(eps));
                (p - (upd * learningRate)).StoreUnsafe(ref pr, (nuint)i);
            }
        }

        for (; i < parameter.Length; i++)
        {
            float p = parameter[i] * shrink;
            float g = gradient[i] + (l2 * p);
            m[i] = (b1 * m[i]) + ((1f - b1) * g);
            v[i] = (b2 * v[i]) + ((1f - b2) * g * g);
            parameter[i] = p - (learningRate * (m[i] * c1) / (MathF.Sqrt(v[i] * c2) + eps));
        }
    }
}
