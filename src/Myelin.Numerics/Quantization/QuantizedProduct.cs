namespace Myelin.Numerics.Quantization;

/// <summary>
/// One product of a fused mat-vec (<see cref="IKernels.MatVecsQ8_0"/>, <see cref="IKernels.MatVecsQ4_0"/>): a
/// row-major <c>[rows, blocks]</c> quantised weight matrix and the vector <c>[rows]</c> its product with the shared
/// activation is written to. The default value is an empty product (no rows), which the fused mat-vecs skip.
/// </summary>
/// <typeparam name="TBlock">The weight block type.</typeparam>
/// <param name="weights">[rows, blocks] weight blocks.</param>
/// <param name="rows">Rows of the matrix.</param>
/// <param name="output">[rows] receives W x.</param>
public readonly ref struct QuantizedProduct<TBlock>(ReadOnlySpan<TBlock> weights, int rows, Span<float> output)
    where TBlock : unmanaged
{
    /// <summary>The weight blocks.</summary>
    public ReadOnlySpan<TBlock> Weights { get; } = weights;

    /// <summary>Rows of the matrix.</summary>
    public int Rows { get; } = rows;

    /// <summary>Where W x goes.</summary>
    public Span<float> Output { get; } = output;
}
