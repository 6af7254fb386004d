using Myelin.Numerics.Internal;

namespace Myelin.Numerics;

/// <content>GEMM entry points: validate, pin, and hand over to the blocked driver in <see cref="Internal.Gemm"/>.</content>
public sealed partial class SimdKernels
{
    /// <inheritdoc />
    public unsafe void Gemm(
        bool transposeA, bool transposeB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        KernelChecks.Gemm(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            Internal.Gemm.Run(_level, transposeA, transposeB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }
    }

    /// <inheritdoc />
    public unsafe void BatchedGemm(
        bool transposeA, bool transposeB, int batchCount, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, int strideA, ReadOnlySpan<float> b, int ldb, int strideB,
        float beta, Span<float> c, int ldc, int strideC)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batchCount);
        if (batchCount > 1 && strideC == 0)
        {
            throw new ArgumentException("Batch entries must not share one C matrix.", nameof(strideC));
        }

        if (batchCount == 0)
        {
            return;
        }

        // Check the last matrix of each operand; the earlier ones lie inside the same spans.
        int last = batchCount - 1;
        KernelChecks.Gemm(
            transposeA, transposeB, m, n, k, a.Length - (last * strideA), lda, b.Length - (last * strideB), ldb,
            c.Length - (last * strideC), ldc);
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            Internal.Gemm.RunBatched(
                _level, transposeA, transposeB, batchCount, m, n, k, alpha, pa, lda, strideA, pb, ldb, strideB, beta, pc, ldc, strideC);
        }
    }
}
