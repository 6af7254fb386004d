using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Myelin.Numerics.Internal;

/// <content>
/// M = 1 (GEMV, the LLM decode shape). Memory-bound, so the aim is streaming B once at full bandwidth:
/// for B stored [k, n] each thread owns a column range and walks B row by row, four rows per pass, into an
/// L1-resident accumulator of at most <see cref="GemvBlock"/> columns; for B stored [n, k] each output is a
/// dot product and four rows share each load of x.
/// </content>
internal static unsafe partial class Gemm
{
    private const int GemvBlock = 1024;

    private static void Gemv(
        SimdLevel level, bool ta, bool tb, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int threads)
    {
        float* scratch = null;
        float* x = a;
        if (ta && lda != 1)
        {
            // op(A) is column 0 of a [k, lda] matrix: gather it once so the inner loops read it contiguously.
            scratch = PackBuffers.Rent();
            for (int p = 0; p < k; p++)
            {
                scratch[p] = a[(long)p * lda];
            }

            x = scratch;
        }

        try
        {
            var job = new GemvJob { Level = level, TransB = tb, N = n, K = k, Alpha = alpha, X = x, B = b, Ldb = ldb, Beta = beta, C = c, Slabs = threads };
            if (threads <= 1)
            {
                job.Execute(0);
            }
            else
            {
                ParallelRunner.For(threads, threads, job);
            }
        }
        finally
        {
            if (scratch != null)
            {
                PackBuffers.Return(scratch);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GemvColumns(SimdLevel level, int j0, int j1, int k, float alpha, float* x, float* b, int ldb, float beta, float* c)
    {
        float* acc = stackalloc float[GemvBlock];
        for (int jb = j0; jb < j1; jb += GemvBlock)
        {
            int len = Math.Min(GemvBlock, j1 - jb);
            new Span<float>(acc, len).Clear();
            int p = 0;
            for (; p < k; p += 4)
            {
                // Rows past k reuse row p with a zero weight so the 4-row pass needs no separate tail.
                float* b0 = b + ((long)p * ldb) + jb;
                float* b1 = p + 1 < k ? b0 + ldb : b0;
                float* b2 = p + 2 < k ? b0 + (2L * ldb) : b0;
                float* b3 = p + 3 < k ? b0 + (3L * ldb) : b0;
                float x1 = p + 1 < k ? x[p + 1] : 0f;
                float x2 = p + 2 < k ? x[p + 2] : 0f;
                float x3 = p + 3 < k ? x[p + 3] : 0f;
                switch (level)
                {
                    case SimdLevel.Vector512:
                        AxpyRows16(b0, b1, b2, b3, x[p], x1, x2, x3, acc, len);
                        break;
                    case SimdLevel.Vector256:
                        AxpyRows8(b0, b1, b2, b3, x[p], x1, x2, x3, acc, len);
                        break;
                    default:
                        AxpyRows4(b0, b1, b2, b3, x[p], x1, x2, x3, acc, len);
                        break;
                }
            }

            float* dst = c + jb;
            for (int j = 0; j < len; j++)
            {
                dst[j] = beta == 0f ? alpha * acc[j] : (alpha * acc[j]) + (beta * dst[j]);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GemvRows(SimdLevel level, int j0, int j1, int k, float alpha, float* x, float* b, int ldb, float beta, float* c)
    {
        float* result = stackalloc float[4];
        for (int j = j0; j < j1; j += 4)
        {
            float* r0 = b + ((long)j * ldb);
            float* r1 = j + 1 < j1 ? r0 + ldb : r0;
            float* r2 = j + 2 < j1 ? r0 + (2L * ldb) : r0;
            float* r3 = j + 3 < j1 ? r0 + (3L * ldb) : r0;
            switch (level)
            {
                case SimdLevel.Vector512:
                    Dot4Rows16(x, r0, r1, r2, r3, k, result);
                    break;
                case SimdLevel.Vector256:
                    Dot4Rows8(x, r0, r1, r2, r3, k, result);
                    break;
                default:
                    Dot4Rows4(x, r0, r1, r2, r3, k, result);
                    break;
            }

            for (int i = 0; i < 4 && j + i < j1; i++)
            {
                c[j + i] = beta == 0f ? alpha * result[i] : (alpha * result[i]) + (beta * c[j + i]);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AxpyRows16(float* b0, float* b1, float* b2, float* b3, float x0, float x1, float x2, float x3, float* acc, int len)
    {
        Vector512<float> v0 = Vector512.Create(x0);
        Vector512<float> v1 = Vector512.Create(x1);
        Vector512<float> v2 = Vector512.Create(x2);
        Vector512<float> v3 = Vector512.Create(x3);
        int j = 0;
        for (; j <= len - 16; j += 16)
        {
            Vector512<float> s = Vector512.Load(acc + j);
            s = Vector512.MultiplyAddEstimate(v0, Vector512.Load(b0 + j), s);
            s = Vector512.MultiplyAddEstimate(v1, Vector512.Load(b1 + j), s);
            s = Vector512.MultiplyAddEstimate(v2, Vector512.Load(b2 + j), s);
            s = Vector512.MultiplyAddEstimate(v3, Vector512.Load(b3 + j), s);
            s.Store(acc + j);
        }

        // Fewer than one vector of columns left: finish them in scalar (accumulation rules out an overlapping vector).
        for (; j < len; j++)
        {
            acc[j] += (x0 * b0[j]) + (x1 * b1[j]) + (x2 * b2[j]) + (x3 * b3[j]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot4Rows16(float* x, float* r0, float* r1, float* r2, float* r3, int k, float* result)
    {
        Vector512<float> s0 = Vector512<float>.Zero;
        Vector512<float> s1 = Vector512<float>.Zero;
        Vector512<float> s2 = Vector512<float>.Zero;
        Vector512<float> s3 = Vector512<float>.Zero;
        int p = 0;
        for (; p <= k - 16; p += 16)
        {
            Vector512<float> xv = Vector512.Load(x + p);
            s0 = Vector512.MultiplyAddEstimate(xv, Vector512.Load(r0 + p), s0);
            s1 = Vector512.MultiplyAddEstimate(xv, Vector512.Load(r1 + p), s1);
            s2 = Vector512.MultiplyAddEstimate(xv, Vector512.Load(r2 + p), s2);
            s3 = Vector512.MultiplyAddEstimate(xv, Vector512.Load(r3 + p), s3);
        }

        float t0 = Vector512.Sum(s0);
        float t1 = Vector512.Sum(s1);
        float t2 = Vector512.Sum(s2);
        float t3 = Vector512.Sum(s3);
        for (; p < k; p++)
        {
            t0 += x[p] * r0[p];
            t1 += x[p] * r1[p];
            t2 += x[p] * r2[p];
            t3 += x[p] * r3[p];
        }

        result[0] = t0;
        result[1] = t1;
        result[2] = t2;
        result[3] = t3;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AxpyRows8(float* b0, float* b1, float* b2, float* b3, float x0, float x1, float x2, float x3, float* acc, int len)
    {
        Vector256<float> v0 = Vector256.Create(x0);
        Vector256<float> v1 = Vector256.Create(x1);
        Vector256<float> v2 = Vector256.Create(x2);
        Vector256<float> v3 = Vector256.Create(x3);
        int j = 0;
        for (; j <= len - 8; j += 8)
        {
            Vector256<float> s = Vector256.Load(acc + j);
            s = Vector256.MultiplyAddEstimate(v0, Vector256.Load(b0 + j), s);
            s = Vector256.MultiplyAddEstimate(v1, Vector256.Load(b1 + j), s);
            s = Vector256.MultiplyAddEstimate(v2, Vector256.Load(b2 + j), s);
            s = Vector256.MultiplyAddEstimate(v3, Vector256.Load(b3 + j), s);
            s.Store(acc + j);
        }

        // Fewer than one vector of columns left: finish them in scalar (accumulation rules out an overlapping vector).
        for (; j < len; j++)
        {
            acc[j] += (x0 * b0[j]) + (x1 * b1[j]) + (x2 * b2[j]) + (x3 * b3[j]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot4Rows8(float* x, float* r0, float* r1, float* r2, float* r3, int k, float* result)
    {
        Vector256<float> s0 = Vector256<float>.Zero;
        Vector256<float> s1 = Vector256<float>.Zero;
        Vector256<float> s2 = Vector256<float>.Zero;
        Vector256<float> s3 = Vector256<float>.Zero;
        int p = 0;
        for (; p <= k - 8; p += 8)
        {
            Vector256<float> xv = Vector256.Load(x + p);
            s0 = Vector256.MultiplyAddEstimate(xv, Vector256.Load(r0 + p), s0);
            s1 = Vector256.MultiplyAddEstimate(xv, Vector256.Load(r1 + p), s1);
            s2 = Vector256.MultiplyAddEstimate(xv, Vector256.Load(r2 + p), s2);
            s3 = Vector256.MultiplyAddEstimate(xv, Vector256.Load(r3 + p), s3);
        }

        float t0 = Vector256.Sum(s0);
        float t1 = Vector256.Sum(s1);
        float t2 = Vector256.Sum(s2);
        float t3 = Vector256.Sum(s3);
        for (; p < k; p++)
        {
            t0 += x[p] * r0[p];
            t1 += x[p] * r1[p];
            t2 += x[p] * r2[p];
            t3 += x[p] * r3[p];
        }

        result[0] = t0;
        result[1] = t1;
        result[2] = t2;
        result[3] = t3;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AxpyRows4(float* b0, float* b1, float* b2, float* b3, float x0, float x1, float x2, float x3, float* acc, int len)
    {
        Vector128<float> v0 = Vector128.Create(x0);
        Vector128<float> v1 = Vector128.Create(x1);
        Vector128<float> v2 = Vector128.Create(x2);
        Vector128<float> v3 = Vector128.Create(x3);
        int j = 0;
        for (; j <= len - 4; j += 4)
        {
            Vector128<float> s = Vector128.Load(acc + j);
            s = Vector128.MultiplyAddEstimate(v0, Vector128.Load(b0 + j), s);
            s = Vector128.MultiplyAddEstimate(v1, Vector128.Load(b1 + j), s);
            s = Vector128.MultiplyAddEstimate(v2, Vector128.Load(b2 + j), s);
            s = Vector128.MultiplyAddEstimate(v3, Vector128.Load(b3 + j), s);
            s.Store(acc + j);
        }

        // Fewer than one vector of columns left: finish them in scalar (accumulation rules out an overlapping vector).
        for (; j < len; j++)
        {
            acc[j] += (x0 * b0[j]) + (x1 * b1[j]) + (x2 * b2[j]) + (x3 * b3[j]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot4Rows4(float* x, float* r0, float* r1, float* r2, float* r3, int k, float* result)
    {
        Vector128<float> s0 = Vector128<float>.Zero;
        Vector128<float> s1 = Vector128<float>.Zero;
        Vector128<float> s2 = Vector128<float>.Zero;
        Vector128<float> s3 = Vector128<float>.Zero;
        int p = 0;
        for (; p <= k - 4; p += 4)
        {
            Vector128<float> xv = Vector128.Load(x + p);
            s0 = Vector128.MultiplyAddEstimate(xv, Vector128.Load(r0 + p), s0);
            s1 = Vector128.MultiplyAddEstimate(xv, Vector128.Load(r1 + p), s1);
            s2 = Vector128.MultiplyAddEstimate(xv, Vector128.Load(r2 + p), s2);
            s3 = Vector128.MultiplyAddEstimate(xv, Vector128.Load(r3 + p), s3);
        }

        float t0 = Vector128.Sum(s0);
        float t1 = Vector128.Sum(s1);
        float t2 = Vector128.Sum(s2);
        float t3 = Vector128.Sum(s3);
        for (; p < k; p++)
        {
            t0 += x[p] * r0[p];
            t1 += x[p] * r1[p];
            t2 += x[p] * r2[p];
            t3 += x[p] * r3[p];
        }

        result[0] = t0;
        result[1] = t1;
        result[2] = t2;
        result[3] = t3;
    }

    private struct GemvJob : IParallelJob
    {
        public SimdLevel Level;
        public bool TransB;
        public int N;
        public int K;
        public int Ldb;
        public int Slabs;
        public float Alpha;
        public float Beta;
        public float* X;
        public float* B;
        public float* C;

        public readonly void Execute(int index)
        {
            const int Unit = 64;
            int units = (N + Unit - 1) / Unit;
            int start = Math.Min(N, (int)((long)units * index / Slabs) * Unit);
            int end = Math.Min(N, (int)((long)units * (index + 1) / Slabs) * Unit);
            if (start >= end)
            {
                return;
            }

            if (TransB)
            {
                GemvRows(Level, start, end, K, Alpha, X, B, Ldb, Beta, C);
            }
            else
            {
                GemvColumns(Level, start, end, K, Alpha, X, B, Ldb, Beta, C);
            }
        }
    }
}
