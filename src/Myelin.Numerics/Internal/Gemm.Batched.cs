namespace Myelin.Numerics.Internal;

/// <content>
/// Batched GEMM: with at least as many batch entries as threads, each thread takes whole entries and runs them
/// single-threaded (attention-sized products are too small to split); otherwise each entry is split as usual.
/// </content>
internal static unsafe partial class Gemm
{
    public static void RunBatched(
        SimdLevel level, bool ta, bool tb, int batch, int m, int n, int k, float alpha, float* a, int lda, int strideA,
        float* b, int ldb, int strideB, float beta, float* c, int ldc, int strideC)
    {
        int threads = ParallelRunner.MaxThreads;
        long flops = 2L * m * n * k * batch;
        if (batch < threads || flops < ParallelFlops)
        {
            for (int i = 0; i < batch; i++)
            {
                Run(level, ta, tb, m, n, k, alpha, a + ((long)i * strideA), lda, b + ((long)i * strideB), ldb, beta, c + ((long)i * strideC), ldc);
            }

            return;
        }

        var job = new BatchJob
        {
            Level = level,
            TransA = ta,
            TransB = tb,
            M = m,
            N = n,
            K = k,
            Alpha = alpha,
            A = a,
            Lda = lda,
            StrideA = strideA,
            B = b,
            Ldb = ldb,
            StrideB = strideB,
            Beta = beta,
            C = c,
            Ldc = ldc,
            StrideC = strideC,
        };
        ParallelRunner.For(batch, threads, job);
    }

    private struct BatchJob : IParallelJob
    {
        public SimdLevel Level;
        public bool TransA;
        public bool TransB;
        public int M;
        public int N;
        public int K;
        public int Lda;
        public int Ldb;
        public int Ldc;
        public int StrideA;
        public int StrideB;
        public int StrideC;
        public float Alpha;
        public float Beta;
        public float* A;
        public float* B;
        public float* C;

        public readonly void Execute(int index)
        {
            float* a = A + ((long)index * StrideA);
            float* b = B + ((long)index * StrideB);
            float* c = C + ((long)index * StrideC);
            if (M == 0 || N == 0)
            {
                return;
            }

            if (K == 0 || Alpha == 0f)
            {
                ScaleC(M, N, Beta, c, Ldc);
                return;
            }

            Serial(Level, TransA, TransB, 0, M, 0, N, K, Alpha, a, Lda, b, Ldb, Beta, c, Ldc);
        }
    }
}
