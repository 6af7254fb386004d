using Myelin.Numerics.Quantization;

namespace Myelin.Numerics;

/// <summary>
/// The numeric kernels every model in Myelin runs on. <see cref="ReferenceKernels"/> is the plain scalar
/// reference; <see cref="SimdKernels"/> is the optimised implementation. Pick one by name with
/// <see cref="Kernels.Create"/> or use <see cref="Kernels.Default"/>.
/// </summary>
/// <remarks>
/// <para>All matrices are row-major float32 spans. Shapes are written as <c>[rows, cols]</c>. Parameter
/// order is source, then arguments, then destination. Unless stated otherwise, a destination may be the
/// same span as a source (in-place), but must not partially overlap it.</para>
/// <para>Implementations are stateless and thread-safe; kernels may use several threads internally
/// (see <see cref="Kernels.MaxThreads"/>). No kernel allocates per call after warm-up.</para>
/// </remarks>
public interface IKernels
{
    /// <summary>The name this implementation is selected by.</summary>
    string Name { get; }

    /// <summary>The widest SIMD level this instance uses.</summary>
    SimdLevel Level { get; }

    /// <summary>
    /// General matrix multiply: <c>C = alpha * op(A) * op(B) + beta * C</c> with op(A) <c>[m, k]</c>,
    /// op(B) <c>[k, n]</c> and C <c>[m, n]</c>. When beta is 0, C is not read (NaNs in it do not propagate).
    /// </summary>
    /// <param name="transposeA">False: A is stored <c>[m, lda]</c>; true: A is stored <c>[k, lda]</c> and op(A) = Aᵀ.</param>
    /// <param name="transposeB">False: B is stored <c>[k, ldb]</c>; true: B is stored <c>[n, ldb]</c> and op(B) = Bᵀ.</param>
    /// <param name="m">Rows of C.</param>
    /// <param name="n">Columns of C.</param>
    /// <param name="k">The shared dimension.</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">The A operand.</param>
    /// <param name="lda">Row stride of A as stored.</param>
    /// <param name="b">The B operand.</param>
    /// <param name="ldb">Row stride of B as stored.</param>
    /// <param name="beta">Scale of the existing C.</param>
    /// <param name="c">The destination, <c>[m, ldc]</c>.</param>
    /// <param name="ldc">Row stride of C.</param>
    void Gemm(
        bool transposeA, bool transposeB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc);

    /// <summary>
    /// <paramref name="batchCount"/> independent GEMMs; matrix i of each operand starts at
    /// <c>i * stride</c>. A stride of 0 broadcasts one matrix to every batch entry (not allowed for C).
    /// </summary>
    /// <param name="transposeA">See <see cref="Gemm"/>.</param>
    /// <param name="transposeB">See <see cref="Gemm"/>.</param>
    /// <param name="batchCount">Number of products.</param>
    /// <param name="m">Rows of each C.</param>
    /// <param name="n">Columns of each C.</param>
    /// <param name="k">The shared dimension.</param>
    /// <param name="alpha">Scale of each product.</param>
    /// <param name="a">A operands, <c>[batchCount, ...]</c>.</param>
    /// <param name="lda">Row stride within one A.</param>
    /// <param name="strideA">Elements between consecutive A matrices.</param>
    /// <param name="b">B operands.</param>
    /// <param name="ldb">Row stride within one B.</param>
    /// <param name="strideB">Elements between consecutive B matrices.</param>
    /// <param name="beta">Scale of each existing C.</param>
    /// <param name="c">Destinations.</param>
    /// <param name="ldc">Row stride within one C.</param>
    /// <param name="strideC">Elements between consecutive C matrices.</param>
    void BatchedGemm(
        bool transposeA, bool transposeB, int batchCount, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, int strideA, ReadOnlySpan<float> b, int ldb, int strideB,
        float beta, Span<float> c, int ldc, int strideC);

    /// <summary>
    /// <c>destination[i] = source[i]</c> with stores that bypass the caches where the hardware has them (non-temporal
    /// stores): for data written now and read much later, if ever, such as a KV block stored in a prefix cache, so the
    /// copy does not evict what the running computation reads (a small model's weights, the live sequences' KV).
    /// The spans must not overlap.
    /// </summary>
    /// <param name="source">[length]</param>
    /// <param name="destination">[length]</param>
    void CopyStreaming(ReadOnlySpan<float> source, Span<float> destination);

    /// <summary><c>destination[i] = x[i] + y[i]</c>.</summary>
    /// <param name="x">[length]</param>
    /// <param name="y">[length]</param>
    /// <param name="destination">[length]</param>
    void Add(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination);

    /// <summary><c>destination[i] = x[i] * y[i]</c>.</summary>
    /// <param name="x">[length]</param>
    /// <param name="y">[length]</param>
    /// <param name="destination">[length]</param>
    void Multiply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination);

    /// <summary><c>destination[i] = alpha * x[i]</c>.</summary>
    /// <param name="x">[length]</param>
    /// <param name="alpha">The factor.</param>
    /// <param name="destination">[length]</param>
    void Scale(ReadOnlySpan<float> x, float alpha, Span<float> destination);

    /// <summary><c>y[i] += alpha * x[i]</c>.</summary>
    /// <param name="x">[length]</param>
    /// <param name="alpha">The factor.</param>
    /// <param name="y">[length], updated in place.</param>
    void Axpy(ReadOnlySpan<float> x, float alpha, Span<float> y);

    /// <summary>SiLU (swish): <c>destination[i] = x[i] / (1 + exp(-x[i]))</c>.</summary>
    /// <param name="x">[length]</param>
    /// <param name="destination">[length]</param>
    void Silu(ReadOnlySpan<float> x, Span<float> destination);

    /// <summary>GELU in the chosen form.</summary>
    /// <param name="x">[length]</param>
    /// <param name="destination">[length]</param>
    /// <param name="approximation">Erf (exact) or tanh.</param>
    void Gelu(ReadOnlySpan<float> x, Span<float> destination, GeluApproximation approximation = GeluApproximation.Erf);

    /// <summary>SwiGLU gate: <c>destination[i] = silu(gate[i]) * up[i]</c>.</summary>
    /// <param name="gate">[length]</param>
    /// <param name="up">[length]</param>
    /// <param name="destination">[length]</param>
    void SwiGlu(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> destination);

    /// <summary>The sum of the elements (0 for an empty span).</summary>
    /// <param name="x">[length]</param>
    /// <returns>The sum.</returns>
    float Sum(ReadOnlySpan<float> x);

    /// <summary>The largest element; NaN if any element is NaN.</summary>
    /// <param name="x">[length], length ≥ 1.</param>
    /// <returns>The maximum.</returns>
    float Max(ReadOnlySpan<float> x);

    /// <summary>The index of the first largest element (-1 for an empty span).</summary>
    /// <param name="x">[length]</param>
    /// <returns>The index.</returns>
    int ArgMax(ReadOnlySpan<float> x);

    /// <summary>The mean of each row.</summary>
    /// <param name="x">[rows, cols]</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="cols">Number of columns.</param>
    /// <param name="destination">[rows]</param>
    void RowMean(ReadOnlySpan<float> x, int rows, int cols, Span<float> destination);

    /// <summary>Numerically stable softmax of each row (max subtracted first).</summary>
    /// <param name="x">[rows, cols]</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="cols">Number of columns.</param>
    /// <param name="destination">[rows, cols]</param>
    void Softmax(ReadOnlySpan<float> x, int rows, int cols, Span<float> destination);

    /// <summary>Log-softmax of each row: <c>x - max - log(sum(exp(x - max)))</c>.</summary>
    /// <param name="x">[rows, cols]</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="cols">Number of columns.</param>
    /// <param name="destination">[rows, cols]</param>
    void LogSoftmax(ReadOnlySpan<float> x, int rows, int cols, Span<float> destination);

    /// <summary>RMSNorm of each row: <c>y = x / sqrt(mean(x²) + eps) * weight</c>.</summary>
    /// <param name="x">[rows, cols]</param>
    /// <param name="weight">[cols]</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="cols">Number of columns.</param>
    /// <param name="epsilon">Added to the mean square.</param>
    /// <param name="destination">[rows, cols]</param>
    void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, int rows, int cols, float epsilon, Span<float> destination);

    /// <summary>LayerNorm of each row: <c>y = (x - mean) / sqrt(var + eps) * weight + bias</c> (biased variance).</summary>
    /// <param name="x">[rows, cols]</param>
    /// <param name="weight">[cols]</param>
    /// <param name="bias">[cols], or empty for no bias.</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="cols">Number of columns.</param>
    /// <param name="epsilon">Added to the variance.</param>
    /// <param name="destination">[rows, cols]</param>
    void LayerNorm(
        ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int rows, int cols, float epsilon,
        Span<float> destination);

    /// <summary>
    /// Rotary position embedding, in place. Token t is at position <c>positionOffset + t</c>; pair i of a head
    /// rotates by angle <c>position * theta^(-2i / headDim)</c>.
    /// </summary>
    /// <param name="x">[tokens, heads, headDim], rotated in place.</param>
    /// <param name="tokens">Number of tokens.</param>
    /// <param name="heads">Heads per token.</param>
    /// <param name="headDim">Dimensions per head (even).</param>
    /// <param name="positionOffset">Position of token 0 (the KV-cache length when decoding).</param>
    /// <param name="theta">The frequency base (10000 for Llama 2, 500000 for Llama 3).</param>
    /// <param name="layout">Which dimensions are paired.</param>
    void Rope(Span<float> x, int tokens, int heads, int headDim, int positionOffset, float theta, RopeLayout layout);

    /// <summary>
    /// Fused scaled-dot-product attention with an online (streaming) softmax, optional causal mask and
    /// grouped-query attention (query head h reads KV head <c>h / (Heads / KvHeads)</c>).
    /// </summary>
    /// <param name="q">[QueryLength, Heads, HeadDim]</param>
    /// <param name="k">[KvLength, KvHeads, HeadDim]</param>
    /// <param name="v">[KvLength, KvHeads, HeadDim]</param>
    /// <param name="shape">The geometry, mask and scale.</param>
    /// <param name="output">[QueryLength, Heads, HeadDim]; must not overlap q, k or v.</param>
    void Attention(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, in AttentionShape shape, Span<float> output);

    /// <summary>Dot product of two Q8_0 vectors, computed on the int8 quants.</summary>
    /// <param name="x">[blocks]</param>
    /// <param name="y">[blocks]</param>
    /// <returns>Σ over blocks of d_x * d_y * Σ q_x q_y.</returns>
    float DotQ8_0(ReadOnlySpan<BlockQ8_0> x, ReadOnlySpan<BlockQ8_0> y);

    /// <summary>Dot product of Q4_0 weights with Q8_0 activations, computed on the integer quants.</summary>
    /// <param name="w">[blocks]</param>
    /// <param name="x">[blocks]</param>
    /// <returns>Σ over blocks of d_w * d_x * Σ (q_w - 8) q_x.</returns>
    float DotQ4_0(ReadOnlySpan<BlockQ4_0> w, ReadOnlySpan<BlockQ8_0> x);

    /// <summary>Matrix-vector product <c>y = W x</c> with Q8_0 weights and Q8_0 activations (quantise x once with <see cref="Q8_0.Quantize"/>).</summary>
    /// <param name="w">[rows, cols / 32] blocks, row-major.</param>
    /// <param name="x">[cols / 32] blocks.</param>
    /// <param name="rows">Output rows.</param>
    /// <param name="y">[rows]</param>
    void MatVecQ8_0(ReadOnlySpan<BlockQ8_0> w, ReadOnlySpan<BlockQ8_0> x, int rows, Span<float> y);

    /// <summary>Matrix-vector product <c>y = W x</c> with Q4_0 weights and Q8_0 activations.</summary>
    /// <param name="w">[rows, cols / 32] blocks, row-major.</param>
    /// <param name="x">[cols / 32] blocks.</param>
    /// <param name="rows">Output rows.</param>
    /// <param name="y">[rows]</param>
    void MatVecQ4_0(ReadOnlySpan<BlockQ4_0> w, ReadOnlySpan<BlockQ8_0> x, int rows, Span<float> y);

    /// <summary>
    /// Matrix-matrix product <c>y[t] = W x[t]</c> for every token t, with Q8_0 weights and Q8_0 activations: the
    /// prefill / batched-decode product, reading each weight row once for all tokens.
    /// </summary>
    /// <param name="w">[rows, blocks] blocks, row-major.</param>
    /// <param name="x">[tokens, blocks] blocks, token-major; blocks = x.Length / tokens.</param>
    /// <param name="rows">Output rows.</param>
    /// <param name="tokens">Activation rows; x.Length must be a multiple of it.</param>
    /// <param name="y">[tokens, rows]</param>
    void MatMulQ8_0(ReadOnlySpan<BlockQ8_0> w, ReadOnlySpan<BlockQ8_0> x, int rows, int tokens, Span<float> y);

    /// <summary>Matrix-matrix product <c>y[t] = W x[t]</c> for every token t, with Q4_0 weights and Q8_0 activations.</summary>
    /// <param name="w">[rows, blocks] blocks, row-major.</param>
    /// <param name="x">[tokens, blocks] blocks, token-major; blocks = x.Length / tokens.</param>
    /// <param name="rows">Output rows.</param>
    /// <param name="tokens">Activation rows; x.Length must be a multiple of it.</param>
    /// <param name="y">[tokens, rows]</param>
    void MatMulQ4_0(ReadOnlySpan<BlockQ4_0> w, ReadOnlySpan<BlockQ8_0> x, int rows, int tokens, Span<float> y);

    /// <summary>
    /// Up to three mat-vecs with Q8_0 weights sharing one Q8_0 activation (a layer's query, key and value projections,
    /// or its gate and up projections) as one parallel pass: the activation is prepared once and the rows of all the
    /// matrices are split across the threads together, so the threads meet once instead of once per matrix.
    /// </summary>
    /// <param name="x">[cols / 32] blocks, shared by every product.</param>
    /// <param name="first">The first matrix and its output.</param>
    /// <param name="second">The second matrix and its output.</param>
    /// <param name="third">The third matrix and its output, or the default (empty) product.</param>
    void MatVecsQ8_0(ReadOnlySpan<BlockQ8_0> x, QuantizedProduct<BlockQ8_0> first, QuantizedProduct<BlockQ8_0> second, QuantizedProduct<BlockQ8_0> third = default);

    /// <summary>Up to three mat-vecs with Q4_0 weights sharing one Q8_0 activation, as <see cref="MatVecsQ8_0"/>.</summary>
    /// <param name="x">[cols / 32] blocks, shared by every product.</param>
    /// <param name="first">The first matrix and its output.</param>
    /// <param name="second">The second matrix and its output.</param>
    /// <param name="third">The third matrix and its output, or the default (empty) product.</param>
    void MatVecsQ4_0(ReadOnlySpan<BlockQ8_0> x, QuantizedProduct<BlockQ4_0> first, QuantizedProduct<BlockQ4_0> second, QuantizedProduct<BlockQ4_0> third = default);
}
