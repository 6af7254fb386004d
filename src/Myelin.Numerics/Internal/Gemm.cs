using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Myelin.Numerics.Internal;

/// <summary>
/// Cache-blocked, packed GEMM in the BLIS/GotoBLAS style. Loop nest (outer to inner):
/// jc over N in NC columns → pc over K in KC → pack B[pc.., jc..] into NR-wide panels →
/// ic over M in MC rows → pack A[ic.., pc..] into MR-tall panels → jr over NR → ir over MR → micro-kernel.
/// </summary>
/// <remarks>
/// <para>Block sizes, as BLIS sizes them: a B micro-panel (KC x NR = 32 KB at NR 32) stays in L1 across the ir loop
/// while A micro-panels stream from the packed A block (MC x KC = 144 KB) in L2; the packed B block (KC x NC = 4 MB)
/// lives in L3, so for N up to NC each A block is packed once per K block rather than once per 512 columns.
/// Packing zero-pads partial panels so
/// the micro-kernel always computes a full MR x NR tile; partial tiles go through a scratch tile.</para>
/// <para>Pointers are used because the operands cross threads (spans cannot be captured in the job struct);
/// callers pin them for the duration of the call.</para>
/// <para>Threads: the output is split into one slab per thread, by columns when N is at least M, else by rows;
/// each thread runs the whole blocked loop on its slab with its own pack buffers.</para>
/// </remarks>
internal static unsafe partial class Gemm
{
    public const int MR = 6;
    public const int KC = 256;
    public const int MC = 144;
    public const int NC = 4096;

    /// <summary>Below this many flops a call stays on one thread.</summary>
    private const long ParallelFlops = 1L << 21;

    public static int NR(SimdLevel level) => level switch
    {
        SimdLevel.Vector512 => 32,
        SimdLevel.Vector256 => 16,
        _ => 8,
    };

    public static void Run(
        SimdLevel level, bool ta, bool tb, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb,
        float beta, float* c, int ldc)
    {
        if (m == 0 || n == 0)
        {
            return;
        }

        if (k == 0 || alpha == 0f)
        {
            ScaleC(m, n, beta, c, ldc);
            return;
        }

        long flops = 2L * m * n * k;
        int threads = flops < ParallelFlops ? 1 : ParallelRunner.MaxThreads;
        if (m == 1 && level != SimdLevel.Scalar)
        {
            Gemv(level, ta, tb, n, k, alpha, a, lda, b, ldb, beta, c, threads);
            return;
        }

        var job = new SlabJob
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
            B = b,
            Ldb = ldb,
            Beta = beta,
            C = c,
            Ldc = ldc,
            Slabs = threads,
            ByColumns = n >= m || m < 2 * MR * threads,
        };
        if (threads == 1)
        {
            job.Execute(0);
            return;
        }

        ParallelRunner.For(threads, threads, job);
    }

    /// <summary>Runs the blocked loop on C[m0..m1, n0..n1].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Serial(
        SimdLevel level, bool ta, bool tb, int m0, int m1, int n0, int n1, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc)
    {
        int nr = NR(level);
        float* pack = PackBuffers.Rent();
        float* ap = pack;
        float* bp = pack + (MC * KC);
        float* tile = bp + (KC * NC);
        try
        {
            for (int jc = n0; jc < n1; jc += NC)
            {
                int nc = Math.Min(NC, n1 - jc);
                for (int pc = 0; pc < k; pc += KC)
                {
                    int kc = Math.Min(KC, k - pc);
                    float betaBlock = pc == 0 ? beta : 1f;
                    PackB(tb, b, ldb, pc, kc, jc, nc, nr, bp);
                    for (int ic = m0; ic < m1; ic += MC)
                    {
                        int mc = Math.Min(MC, m1 - ic);
                        PackA(level, ta, a, lda, ic, mc, pc, kc, ap);
                        // B micro-panel (KC x NR) stays in L1 while the A micro-panels stream from the packed A block in L2.
                        for (int jr = 0; jr < nc; jr += nr)
                        {
                            int ncur = Math.Min(nr, nc - jr);
                            float* bpanel = bp + (jr * kc);
                            for (int ir = 0; ir < mc; ir += MR)
                            {
                                int mr = Math.Min(MR, mc - ir);
                                float* apanel = ap + (ir * kc);
                                float* cp = c + ((long)(ic + ir) * ldc) + jc + jr;
                                if (mr == MR && ncur == nr)
                                {
                                    MicroKernel(level, apanel, bpanel, kc, cp, ldc, alpha, betaBlock);
                                }
                                else
                                {
                                    MicroKernel(level, apanel, bpanel, kc, tile, nr, 1f, 0f);
                                    MergeTile(tile, nr, mr, ncur, cp, ldc, alpha, betaBlock);
                                }
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            PackBuffers.Return(pack);
        }
    }

    /// <summary>Packs op(B)[pc..pc+kc, jc..jc+nc] into NR-wide panels: panel element (p, j) at p * NR + j.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(bool tb, float* b, int ldb, int pc, int kc, int jc, int nc, int nr, float* bp)
    {
        if (!tb)
        {
            PackBRows(b, ldb, pc, kc, jc, nc, nr, bp);
            return;
        }

        for (int jr = 0; jr < nc; jr += nr)
        {
            int ncur = Math.Min(nr, nc - jr);
            float* dst = bp + (jr * kc);

            // Stored [n, ldb]: read each row of B contiguously and scatter it down one panel column.
            for (int j = 0; j < nr; j++)
            {
                float* d = dst + j;
                if (j < ncur)
                {
                    float* s = b + ((long)(jc + jr + j) * ldb) + pc;
                    for (int p = 0; p < kc; p++)
                    {
                        d[p * nr] = s[p];
                    }
                }
                else
                {
                    for (int p = 0; p < kc; p++)
                    {
                        d[p * nr] = 0f;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Packs row-major B[pc..pc+kc, jc..jc+nc] into NR-wide panels, walking each source row once from left to right:
    /// one long contiguous read per row, which the hardware prefetcher streams. The previous panel-by-panel order
    /// read only NR floats (128 bytes) per row before jumping ldb ahead, through a Memmove call each time; for
    /// small M (64xKxN), where every packed B element feeds only 64 FMAs, that packing cost a third of the time.
    /// Full panel rows are copied with two Vector512 (or NR/4 Vector128) moves; the partial last panel is copied
    /// element-wise and zero-padded to NR.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackBRows(float* b, int ldb, int pc, int kc, int jc, int nc, int nr, float* bp)
    {
        int full = nc / nr * nr;
        for (int p = 0; p < kc; p++)
        {
            float* src = b + ((long)(pc + p) * ldb) + jc;
            float* dst = bp + (p * nr);
            int jr = 0;
            if (Vector512.IsHardwareAccelerated && nr == 32)
            {
                for (; jr < full; jr += 32)
                {
                    float* d = dst + (jr * kc);
                    Vector512.Load(src + jr).Store(d);
                    Vector512.Load(src + jr + 16).Store(d + 16);
                }
            }
            else if (Vector128.IsHardwareAccelerated)
            {
                for (; jr < full; jr += nr)
                {
                    float* d = dst + (jr * kc);
                    for (int j = 0; j < nr; j += 4)
                    {
                        Vector128.Load(src + jr + j).Store(d + j);
                    }
                }
            }

            for (; jr < nc; jr += nr)
            {
                float* d = dst + (jr * kc);
                int ncur = Math.Min(nr, nc - jr);
                int j = 0;
                for (; j < ncur; j++)
                {
                    d[j] = src[jr + j];
                }

                for (; j < nr; j++)
                {
                    d[j] = 0f;
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MergeTile(float* tile, int nr, int mr, int ncur, float* c, int ldc, float alpha, float beta)
    {
        for (int i = 0; i < mr; i++)
        {
            float* t = tile + (i * nr);
            float* row = c + ((long)i * ldc);
            for (int j = 0; j < ncur; j++)
            {
                row[j] = beta == 0f ? alpha * t[j] : (alpha * t[j]) + (beta * row[j]);
            }
        }
    }

    private static void ScaleC(int m, int n, float beta, float* c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + ((long)i * ldc), n);
            if (beta == 0f)
            {
                row.Clear();
            }
            else if (beta != 1f)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
            }
        }
    }

    /// <summary>One thread's slab of the output.</summary>
    private struct SlabJob : IParallelJob
    {
        public SimdLevel Level;
        public bool TransA;
        public bool TransB;
        public bool ByColumns;
        public int M;
        public int N;
        public int K;
        public int Lda;
        public int Ldb;
        public int Ldc;
        public int Slabs;
        public float Alpha;
        public float Beta;
        public float* A;
        public float* B;
        public float* C;

        public readonly void Execute(int index)
        {
            int unit = ByColumns ? NR(Level) : MR;
            int total = ByColumns ? N : M;
            int units = (total + unit - 1) / unit;
            int start = Math.Min(total, (int)((long)units * index / Slabs) * unit);
            int end = Math.Min(total, (int)((long)units * (index + 1) / Slabs) * unit);
            if (start >= end)
            {
                return;
            }

            if (ByColumns)
            {
                Serial(Level, TransA, TransB, 0, M, start, end, K, Alpha, A, Lda, B, Ldb, Beta, C, Ldc);
            }
            else
            {
                Serial(Level, TransA, TransB, start, end, 0, N, K, Alpha, A, Lda, B, Ldb, Beta, C, Ldc);
            }
        }
    }
}
