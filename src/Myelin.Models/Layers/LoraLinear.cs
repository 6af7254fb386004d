using Myelin.Numerics;
using Myelin.Numerics.Autograd;

namespace Myelin.Models.Layers;

/// <summary>
/// A LoRA adapter on a <see cref="Linear"/> layer: <c>y = base(x) + (α / r) · x Aᵀ Bᵀ</c> with A <c>[r, in]</c>
/// (random) and B <c>[out, r]</c> (zero), so the adapter starts as the identity change.
/// </summary>
/// <remarks>
/// Train only <see cref="TrainableParameters"/>: the forward pass reads the base weight through a detached view, so
/// the base weight gets no gradient at all. <see cref="Merge"/> folds the adapter into the base weight for
/// inference (<c>W += (α/r)·B A</c>); <see cref="Unmerge"/> takes it out again. While merged, the forward pass uses
/// the base weight alone, and the output equals the unmerged output up to float rounding.
/// </remarks>
public sealed class LoraLinear : Module
{
    // The base weight and bias as gradient-free views of the same arrays: the adapted forward pass reads them, so the
    // backward pass computes the input's gradient through them but no gradient for them (one GEMM less per step).
    private readonly Variable _frozenWeight;
    private readonly Variable? _frozenBias;

    /// <summary>Wraps <paramref name="baseLayer"/> with a rank-<paramref name="rank"/> adapter.</summary>
    /// <param name="baseLayer">The layer to adapt; its weight is modified only by <see cref="Merge"/>/<see cref="Unmerge"/>.</param>
    /// <param name="rank">Adapter rank r.</param>
    /// <param name="alpha">Scaling numerator α.</param>
    /// <param name="random">Seeded source for A.</param>
    public LoraLinear(Linear baseLayer, int rank, float alpha, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(baseLayer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rank);
        Base = baseLayer;
        Rank = rank;
        Alpha = alpha;
        _frozenWeight = baseLayer.Weight.Detached();
        _frozenBias = baseLayer.Bias?.Detached();
        A = CreateParameter("lora_a", Uniform(random, 1f / MathF.Sqrt(baseLayer.InFeatures)), rank, baseLayer.InFeatures);
        B = CreateParameter("lora_b", Constant(0f), baseLayer.OutFeatures, rank);
    }

    /// <summary>The adapted layer.</summary>
    public Linear Base { get; }

    /// <summary>Adapter rank r.</summary>
    public int Rank { get; }

    /// <summary>Scaling numerator α.</summary>
    public float Alpha { get; }

    /// <summary>The effective scale α / r.</summary>
    public float Scaling => Alpha / Rank;

    /// <summary>[r, in]</summary>
    public Variable A { get; }

    /// <summary>[out, r]</summary>
    public Variable B { get; }

    /// <summary>Whether the adapter is currently folded into the base weight.</summary>
    public bool IsMerged { get; private set; }

    /// <summary>The adapter's parameters (A and B), which are the only ones to train.</summary>
    /// <returns>A and B.</returns>
    public IEnumerable<Variable> TrainableParameters() => [A, B];

    /// <summary>Applies the adapted layer.</summary>
    /// <param name="tape">The tape to record on.</param>
    /// <param name="x">[..., in]</param>
    /// <returns>[..., out]</returns>
    public Variable Forward(Tape tape, Variable x)
    {
        ArgumentNullException.ThrowIfNull(tape);
        Variable y = tape.MatMul(x, _frozenWeight, transposeB: true);
        if (_frozenBias is not null)
        {
            y = tape.Add(y, _frozenBias);
        }

        if (IsMerged)
        {
            return y;
        }

        Variable low = tape.MatMul(tape.MatMul(x, A, transposeB: true), B, transposeB: true);
        return tape.Add(y, tape.Scale(low, Scaling));
    }

    /// <summary>Folds the adapter into the base weight: <c>W += (α/r)·B A</c>.</summary>
    /// <param name="kernels">Kernels for the product.</param>
    public void Merge(IKernels kernels)
    {
        ArgumentNullException.ThrowIfNull(kernels);
        if (IsMerged)
        {
            throw new InvalidOperationException("The adapter is already merged.");
        }

        Fold(kernels, Scaling);
        IsMerged = true;
    }

    /// <summary>Takes the adapter back out of the base weight: <c>W −= (α/r)·B A</c>.</summary>
    /// <param name="kernels">Kernels for the product.</param>
    public void Unmerge(IKernels kernels)
    {
        ArgumentNullException.ThrowIfNull(kernels);
        if (!IsMerged)
        {
            throw new InvalidOperationException("The adapter is not merged.");
        }

        Fold(kernels, -Scaling);
        IsMerged = false;
    }

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<string, Variable>> NamedParameters()
    {
        foreach (KeyValuePair<string, Variable> kv in Base.NamedParameters())
        {
            yield return kv;
        }

        yield return new("lora_a", A);
        yield return new("lora_b", B);
    }

    // W[out, in] += scale · B[out, r] · A[r, in]
    private void Fold(IKernels kernels, float scale) =>
        kernels.Gemm(false, false, Base.OutFeatures, Base.InFeatures, Rank, scale, B.Data, Rank, A.Data, Base.InFeatures, 1f, Base.Weight.Data, Base.InFeatures);
}
