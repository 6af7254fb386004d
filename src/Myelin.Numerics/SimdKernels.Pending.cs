using Myelin.Numerics.Quantization;

namespace Myelin.Numerics;

/// <content>Kernels whose SIMD versions are being written forward to the reference for now.</content>
public sealed partial class SimdKernels
{
    /// <inheritdoc />
    public void Add(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) => Ref.Add(x, y, destination);

    /// <inheritdoc />
    public void Multiply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) => Ref.Multiply(x, y, destination);

    /// <inheritdoc />
    public void Scale(ReadOnlySpan<float> x, float alpha, Span<float> destination) => Ref.Scale(x, alpha, destination);

    /// <inheritdoc />
    public void Axpy(ReadOnlySpan<float> x, float alpha, Span<float> y) => Ref.Axpy(x, alpha, y);

    /// <inheritdoc />
    public void Silu(ReadOnlySpan<float> x, Span<float> destination) => Ref.Silu(x, destination);

    /// <inheritdoc />
    public void Gelu(ReadOnlySpan<float> x, Span<float> destination, GeluApproximation approximation = GeluApproximation.Erf) =>
        Ref.Gelu(x, destination, approximation);

    /// <inheritdoc />
    public void SwiGlu(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> destination) => Ref.SwiGlu(gate, up, destination);

    /// <inheritdoc />
    public float Sum(ReadOnlySpan<float> x) => Ref.Sum(x);

    /// <inheritdoc />
    public float Max(ReadOnlySpan<float> x) => Ref.Max(x);

    /// <inheritdoc />
    public int ArgMax(ReadOnlySpan<float> x) => Ref.ArgMax(x);

    /// <inheritdoc />
    public void RowMean(ReadOnlySpan<float> x, int rows, int cols, Span<float> destination) => Ref.RowMean(x, rows, cols, destination);

    /// <inheritdoc />
    public void Softmax(ReadOnlySpan<float> x, int rows, int cols, Span<float> destination) => Ref.Softmax(x, rows, cols, destination);

    /// <inheritdoc />
    public void LogSoftmax(ReadOnlySpan<float> x, int rows, int cols, Span<float> destination) =>
        Ref.LogSoftmax(x, rows, cols, destination);

    /// <inheritdoc />
    public void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, int rows, int cols, float epsilon, Span<float> destination) =>
        Ref.RmsNorm(x, weight, rows, cols, epsilon, destination);

    /// <inheritdoc />
    public void LayerNorm(
        ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int rows, int cols, float epsilon,
        Span<float> destination) => Ref.LayerNorm(x, weight, bias, rows, cols, epsilon, destination);

    /// <inheritdoc />
    public void Rope(Span<float> x, int tokens, int heads, int headDim, int positionOffset, float theta, RopeLayout layout) =>
        Ref.Rope(x, tokens, heads, headDim, positionOffset, theta, layout);

    /// <inheritdoc />
    public void Attention(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, in AttentionShape shape, Span<float> output) =>
        Ref.Attention(q, k, v, shape, output);

    /// <inheritdoc />
    public float DotQ8_0(ReadOnlySpan<BlockQ8_0> x, ReadOnlySpan<BlockQ8_0> y) => Ref.DotQ8_0(x, y);

    /// <inheritdoc />
    public float DotQ4_0(ReadOnlySpan<BlockQ4_0> w, ReadOnlySpan<BlockQ8_0> x) => Ref.DotQ4_0(w, x);

    /// <inheritdoc />
    public void MatVecQ8_0(ReadOnlySpan<BlockQ8_0> w, ReadOnlySpan<BlockQ8_0> x, int rows, Span<float> y) => Ref.MatVecQ8_0(w, x, rows, y);

    /// <inheritdoc />
    public void MatVecQ4_0(ReadOnlySpan<BlockQ4_0> w, ReadOnlySpan<BlockQ8_0> x, int rows, Span<float> y) => Ref.MatVecQ4_0(w, x, rows, y);
}
