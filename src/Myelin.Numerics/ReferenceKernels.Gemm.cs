using Myelin.Numerics.Internal;

namespace Myelin.Numerics;

/// <content>Reference GEMM: the textbook triple loop.</content>
public sealed partial class ReferenceKernels
{
    /// <inheritdoc />
    public void Gemm(
        bool transposeA, bool transposeB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        KernelChecks.Gemm(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float sum = 0f;
                for (int p = 0; p < k; p++)
                {
                    float av = transposeA ? a[(p * lda) + i] : a[(i * lda) + p];
                    float bv = transposeB ? b[(j * ldb) + p] : b[(p * ldb) + j];
                    sum += av * bv;
                }

                ref float cij = ref c[(i * ldc) + j];
                cij = beta == 0f ? alpha * sum : (alpha * sum) + (beta * cij);
            }
        }
    }

    /// <inheritdoc />
    public void BatchedGemm(
        bool transposeA, bool transposeB, int batchCount, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, int strideA, ReadOnlySpan<float> b, int ldb, int strideB,
        float beta, Span<float> c, int ldc, int strideC)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batchCount);
        if (batchCount > 1 && strideC == 0)
        {
            throw new ArgumentException("Batch entries must not share one C matrix.", nameof(strideC));
        }

        for (int i = 0; i < batchCount; i++)
        {
            Gemm(
                transposeA, transposeB, m, n, k, alpha, a[(i * strideA)..], lda, b[(i * strideB)..], ldb,
                beta, c[(i * strideC)..], ldc);
        }
    }
}
