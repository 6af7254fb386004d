using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Myelin.Numerics.Internal;

/// <content>
/// Register-tiled micro-kernels: C[MR, NR] = alpha * Apanel[MR, kc] * Bpanel[kc, NR] + beta * C, with the packed
/// A panel laid out p-major (A[r, p] at a[p * MR + r]) and the B panel p-major (B[p, j] at b[p * NR + j]).
/// Each k step broadcasts six A values and multiplies them into the NR-wide B row held in 2 vectors, so the
/// 12 accumulators plus B and one broadcast fit the 16 (AVX2) or 32 (AVX-512) vector registers without spills.
/// When beta is 0 the old C is never loaded, so NaN garbage in an uninitialised C does not propagate.
/// </content>
internal static unsafe partial class Gemm
{
    private static void MicroKernel(SimdLevel level, float* a, float* b, int kc, float* c, int ldc, float alpha, float beta)
    {
        switch (level)
        {
            case SimdLevel.Vector512:
                Kernel6x32(a, b, kc, c, ldc, alpha, beta);
                break;
            case SimdLevel.Vector256:
                Kernel6x16(a, b, kc, c, ldc, alpha, beta);
                break;
            case SimdLevel.Vector128:
                Kernel6x8(a, b, kc, c, ldc, alpha, beta);
                break;
            default:
                KernelScalar(a, b, kc, c, ldc, alpha, beta);
                break;
        }
    }

    /// <summary>6x8 tile in plain scalar code, for machines without SIMD.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void KernelScalar(float* a, float* b, int kc, float* c, int ldc, float alpha, float beta)
    {
        float* acc = stackalloc float[MR * 8];
        new Span<float>(acc, MR * 8).Clear();
        for (int p = 0; p < kc; p++)
        {
            for (int r = 0; r < MR; r++)
            {
                float ar = a[r];
                float* row = acc + (r * 8);
                for (int j = 0; j < 8; j++)
                {
                    row[j] += ar * b[j];
                }
            }

            a += MR;
            b += 8;
        }

        MergeTile(acc, 8, MR, 8, c, ldc, alpha, beta);
    }

    /// <summary>6x32 tile on Vector512: 12 accumulators, 2 B vectors and one broadcast A value per row and k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x32(float* a, float* b, int kc, float* c, int ldc, float alpha, float beta)
    {
        Vector512<float> c00 = Vector512<float>.Zero;
        Vector512<float> c01 = Vector512<float>.Zero;
        Vector512<float> c10 = Vector512<float>.Zero;
        Vector512<float> c11 = Vector512<float>.Zero;
        Vector512<float> c20 = Vector512<float>.Zero;
        Vector512<float> c21 = Vector512<float>.Zero;
        Vector512<float> c30 = Vector512<float>.Zero;
        Vector512<float> c31 = Vector512<float>.Zero;
        Vector512<float> c40 = Vector512<float>.Zero;
        Vector512<float> c41 = Vector512<float>.Zero;
        Vector512<float> c50 = Vector512<float>.Zero;
        Vector512<float> c51 = Vector512<float>.Zero;
        PrefetchTile(c, ldc, 32);
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b + 0);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> a0 = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(a0, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(a0, b1, c01);
            Vector512<float> a1 = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(a1, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(a1, b1, c11);
            Vector512<float> a2 = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(a2, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(a2, b1, c21);
            Vector512<float> a3 = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(a3, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(a3, b1, c31);
            Vector512<float> a4 = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(a4, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(a4, b1, c41);
            Vector512<float> a5 = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(a5, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(a5, b1, c51);
            a += 6;
            b += 32;
        }

        Vector512<float> va = Vector512.Create(alpha);
        if (beta == 0f)
        {
            (va * c00).Store(c + (0 * (long)ldc) + 0);
            (va * c01).Store(c + (0 * (long)ldc) + 16);
            (va * c10).Store(c + (1 * (long)ldc) + 0);
            (va * c11).Store(c + (1 * (long)ldc) + 16);
            (va * c20).Store(c + (2 * (long)ldc) + 0);
            (va * c21).Store(c + (2 * (long)ldc) + 16);
            (va * c30).Store(c + (3 * (long)ldc) + 0);
            (va * c31).Store(c + (3 * (long)ldc) + 16);
            (va * c40).Store(c + (4 * (long)ldc) + 0);
            (va * c41).Store(c + (4 * (long)ldc) + 16);
            (va * c50).Store(c + (5 * (long)ldc) + 0);
            (va * c51).Store(c + (5 * (long)ldc) + 16);
        }
        else
        {
            Vector512<float> vb = Vector512.Create(beta);
            Vector512.FusedMultiplyAdd(va, c00, vb * Vector512.Load(c + (0 * (long)ldc) + 0)).Store(c + (0 * (long)ldc) + 0);
            Vector512.FusedMultiplyAdd(va, c01, vb * Vector512.Load(c + (0 * (long)ldc) + 16)).Store(c + (0 * (long)ldc) + 16);
            Vector512.FusedMultiplyAdd(va, c10, vb * Vector512.Load(c + (1 * (long)ldc) + 0)).Store(c + (1 * (long)ldc) + 0);
            Vector512.FusedMultiplyAdd(va, c11, vb * Vector512.Load(c + (1 * (long)ldc) + 16)).Store(c + (1 * (long)ldc) + 16);
            Vector512.FusedMultiplyAdd(va, c20, vb * Vector512.Load(c + (2 * (long)ldc) + 0)).Store(c + (2 * (long)ldc) + 0);
            Vector512.FusedMultiplyAdd(va, c21, vb * Vector512.Load(c + (2 * (long)ldc) + 16)).Store(c + (2 * (long)ldc) + 16);
            Vector512.FusedMultiplyAdd(va, c30, vb * Vector512.Load(c + (3 * (long)ldc) + 0)).Store(c + (3 * (long)ldc) + 0);
            Vector512.FusedMultiplyAdd(va, c31, vb * Vector512.Load(c + (3 * (long)ldc) + 16)).Store(c + (3 * (long)ldc) + 16);
            Vector512.FusedMultiplyAdd(va, c40, vb * Vector512.Load(c + (4 * (long)ldc) + 0)).Store(c + (4 * (long)ldc) + 0);
            Vector512.FusedMultiplyAdd(va, c41, vb * Vector512.Load(c + (4 * (long)ldc) + 16)).Store(c + (4 * (long)ldc) + 16);
            Vector512.FusedMultiplyAdd(va, c50, vb * Vector512.Load(c + (5 * (long)ldc) + 0)).Store(c + (5 * (long)ldc) + 0);
            Vector512.FusedMultiplyAdd(va, c51, vb * Vector512.Load(c + (5 * (long)ldc) + 16)).Store(c + (5 * (long)ldc) + 16);
        }
    }

    /// <summary>6x16 tile on Vector256: 12 accumulators, 2 B vectors and one broadcast A value per row and k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x16(float* a, float* b, int kc, float* c, int ldc, float alpha, float beta)
    {
        Vector256<float> c00 = Vector256<float>.Zero;
        Vector256<float> c01 = Vector256<float>.Zero;
        Vector256<float> c10 = Vector256<float>.Zero;
        Vector256<float> c11 = Vector256<float>.Zero;
        Vector256<float> c20 = Vector256<float>.Zero;
        Vector256<float> c21 = Vector256<float>.Zero;
        Vector256<float> c30 = Vector256<float>.Zero;
        Vector256<float> c31 = Vector256<float>.Zero;
        Vector256<float> c40 = Vector256<float>.Zero;
        Vector256<float> c41 = Vector256<float>.Zero;
        Vector256<float> c50 = Vector256<float>.Zero;
        Vector256<float> c51 = Vector256<float>.Zero;
        PrefetchTile(c, ldc, 16);
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Vector256.Load(b + 0);
            Vector256<float> b1 = Vector256.Load(b + 8);
            Vector256<float> a0 = Vector256.Create(a[0]);
            c00 = Vector256.MultiplyAddEstimate(a0, b0, c00);
            c01 = Vector256.MultiplyAddEstimate(a0, b1, c01);
            Vector256<float> a1 = Vector256.Create(a[1]);
            c10 = Vector256.MultiplyAddEstimate(a1, b0, c10);
            c11 = Vector256.MultiplyAddEstimate(a1, b1, c11);
            Vector256<float> a2 = Vector256.Create(a[2]);
            c20 = Vector256.MultiplyAddEstimate(a2, b0, c20);
            c21 = Vector256.MultiplyAddEstimate(a2, b1, c21);
            Vector256<float> a3 = Vector256.Create(a[3]);
            c30 = Vector256.MultiplyAddEstimate(a3, b0, c30);
            c31 = Vector256.MultiplyAddEstimate(a3, b1, c31);
            Vector256<float> a4 = Vector256.Create(a[4]);
            c40 = Vector256.MultiplyAddEstimate(a4, b0, c40);
            c41 = Vector256.MultiplyAddEstimate(a4, b1, c41);
            Vector256<float> a5 = Vector256.Create(a[5]);
            c50 = Vector256.MultiplyAddEstimate(a5, b0, c50);
            c51 = Vector256.MultiplyAddEstimate(a5, b1, c51);
            a += 6;
            b += 16;
        }

        Vector256<float> va = Vector256.Create(alpha);
        if (beta == 0f)
        {
            (va * c00).Store(c + (0 * (long)ldc) + 0);
            (va * c01).Store(c + (0 * (long)ldc) + 8);
            (va * c10).Store(c + (1 * (long)ldc) + 0);
            (va * c11).Store(c + (1 * (long)ldc) + 8);
            (va * c20).Store(c + (2 * (long)ldc) + 0);
            (va * c21).Store(c + (2 * (long)ldc) + 8);
            (va * c30).Store(c + (3 * (long)ldc) + 0);
            (va * c31).Store(c + (3 * (long)ldc) + 8);
            (va * c40).Store(c + (4 * (long)ldc) + 0);
            (va * c41).Store(c + (4 * (long)ldc) + 8);
            (va * c50).Store(c + (5 * (long)ldc) + 0);
            (va * c51).Store(c + (5 * (long)ldc) + 8);
        }
        else
        {
            Vector256<float> vb = Vector256.Create(beta);
            Vector256.MultiplyAddEstimate(va, c00, vb * Vector256.Load(c + (0 * (long)ldc) + 0)).Store(c + (0 * (long)ldc) + 0);
            Vector256.MultiplyAddEstimate(va, c01, vb * Vector256.Load(c + (0 * (long)ldc) + 8)).Store(c + (0 * (long)ldc) + 8);
            Vector256.MultiplyAddEstimate(va, c10, vb * Vector256.Load(c + (1 * (long)ldc) + 0)).Store(c + (1 * (long)ldc) + 0);
            Vector256.MultiplyAddEstimate(va, c11, vb * Vector256.Load(c + (1 * (long)ldc) + 8)).Store(c + (1 * (long)ldc) + 8);
            Vector256.MultiplyAddEstimate(va, c20, vb * Vector256.Load(c + (2 * (long)ldc) + 0)).Store(c + (2 * (long)ldc) + 0);
            Vector256.MultiplyAddEstimate(va, c21, vb * Vector256.Load(c + (2 * (long)ldc) + 8)).Store(c + (2 * (long)ldc) + 8);
            Vector256.MultiplyAddEstimate(va, c30, vb * Vector256.Load(c + (3 * (long)ldc) + 0)).Store(c + (3 * (long)ldc) + 0);
            Vector256.MultiplyAddEstimate(va, c31, vb * Vector256.Load(c + (3 * (long)ldc) + 8)).Store(c + (3 * (long)ldc) + 8);
            Vector256.MultiplyAddEstimate(va, c40, vb * Vector256.Load(c + (4 * (long)ldc) + 0)).Store(c + (4 * (long)ldc) + 0);
            Vector256.MultiplyAddEstimate(va, c41, vb * Vector256.Load(c + (4 * (long)ldc) + 8)).Store(c + (4 * (long)ldc) + 8);
            Vector256.MultiplyAddEstimate(va, c50, vb * Vector256.Load(c + (5 * (long)ldc) + 0)).Store(c + (5 * (long)ldc) + 0);
            Vector256.MultiplyAddEstimate(va, c51, vb * Vector256.Load(c + (5 * (long)ldc) + 8)).Store(c + (5 * (long)ldc) + 8);
        }
    }

    /// <summary>6x8 tile on Vector128: 12 accumulators, 2 B vectors and one broadcast A value per row and k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x8(float* a, float* b, int kc, float* c, int ldc, float alpha, float beta)
    {
        Vector128<float> c00 = Vector128<float>.Zero;
        Vector128<float> c01 = Vector128<float>.Zero;
        Vector128<float> c10 = Vector128<float>.Zero;
        Vector128<float> c11 = Vector128<float>.Zero;
        Vector128<float> c20 = Vector128<float>.Zero;
        Vector128<float> c21 = Vector128<float>.Zero;
        Vector128<float> c30 = Vector128<float>.Zero;
        Vector128<float> c31 = Vector128<float>.Zero;
        Vector128<float> c40 = Vector128<float>.Zero;
        Vector128<float> c41 = Vector128<float>.Zero;
        Vector128<float> c50 = Vector128<float>.Zero;
        Vector128<float> c51 = Vector128<float>.Zero;
        for (int p = 0; p < kc; p++)
        {
            Vector128<float> b0 = Vector128.Load(b + 0);
            Vector128<float> b1 = Vector128.Load(b + 4);
            Vector128<float> a0 = Vector128.Create(a[0]);
            c00 = Vector128.MultiplyAddEstimate(a0, b0, c00);
            c01 = Vector128.MultiplyAddEstimate(a0, b1, c01);
            Vector128<float> a1 = Vector128.Create(a[1]);
            c10 = Vector128.MultiplyAddEstimate(a1, b0, c10);
            c11 = Vector128.MultiplyAddEstimate(a1, b1, c11);
            Vector128<float> a2 = Vector128.Create(a[2]);
            c20 = Vector128.MultiplyAddEstimate(a2, b0, c20);
            c21 = Vector128.MultiplyAddEstimate(a2, b1, c21);
            Vector128<float> a3 = Vector128.Create(a[3]);
            c30 = Vector128.MultiplyAddEstimate(a3, b0, c30);
            c31 = Vector128.MultiplyAddEstimate(a3, b1, c31);
            Vector128<float> a4 = Vector128.Create(a[4]);
            c40 = Vector128.MultiplyAddEstimate(a4, b0, c40);
            c41 = Vector128.MultiplyAddEstimate(a4, b1, c41);
            Vector128<float> a5 = Vector128.Create(a[5]);
            c50 = Vector128.MultiplyAddEstimate(a5, b0, c50);
            c51 = Vector128.MultiplyAddEstimate(a5, b1, c51);
            a += 6;
            b += 8;
        }

        Vector128<float> va = Vector128.Create(alpha);
        if (beta == 0f)
        {
            (va * c00).Store(c + (0 * (long)ldc) + 0);
            (va * c01).Store(c + (0 * (long)ldc) + 4);
            (va * c10).Store(c + (1 * (long)ldc) + 0);
            (va * c11).Store(c + (1 * (long)ldc) + 4);
            (va * c20).Store(c + (2 * (long)ldc) + 0);
            (va * c21).Store(c + (2 * (long)ldc) + 4);
            (va * c30).Store(c + (3 * (long)ldc) + 0);
            (va * c31).Store(c + (3 * (long)ldc) + 4);
            (va * c40).Store(c + (4 * (long)ldc) + 0);
            (va * c41).Store(c + (4 * (long)ldc) + 4);
            (va * c50).Store(c + (5 * (long)ldc) + 0);
            (va * c51).Store(c + (5 * (long)ldc) + 4);
        }
        else
        {
            Vector128<float> vb = Vector128.Create(beta);
            Vector128.MultiplyAddEstimate(va, c00, vb * Vector128.Load(c + (0 * (long)ldc) + 0)).Store(c + (0 * (long)ldc) + 0);
            Vector128.MultiplyAddEstimate(va, c01, vb * Vector128.Load(c + (0 * (long)ldc) + 4)).Store(c + (0 * (long)ldc) + 4);
            Vector128.MultiplyAddEstimate(va, c10, vb * Vector128.Load(c + (1 * (long)ldc) + 0)).Store(c + (1 * (long)ldc) + 0);
            Vector128.MultiplyAddEstimate(va, c11, vb * Vector128.Load(c + (1 * (long)ldc) + 4)).Store(c + (1 * (long)ldc) + 4);
            Vector128.MultiplyAddEstimate(va, c20, vb * Vector128.Load(c + (2 * (long)ldc) + 0)).Store(c + (2 * (long)ldc) + 0);
            Vector128.MultiplyAddEstimate(va, c21, vb * Vector128.Load(c + (2 * (long)ldc) + 4)).Store(c + (2 * (long)ldc) + 4);
            Vector128.MultiplyAddEstimate(va, c30, vb * Vector128.Load(c + (3 * (long)ldc) + 0)).Store(c + (3 * (long)ldc) + 0);
            Vector128.MultiplyAddEstimate(va, c31, vb * Vector128.Load(c + (3 * (long)ldc) + 4)).Store(c + (3 * (long)ldc) + 4);
            Vector128.MultiplyAddEstimate(va, c40, vb * Vector128.Load(c + (4 * (long)ldc) + 0)).Store(c + (4 * (long)ldc) + 0);
            Vector128.MultiplyAddEstimate(va, c41, vb * Vector128.Load(c + (4 * (long)ldc) + 4)).Store(c + (4 * (long)ldc) + 4);
            Vector128.MultiplyAddEstimate(va, c50, vb * Vector128.Load(c + (5 * (long)ldc) + 0)).Store(c + (5 * (long)ldc) + 0);
            Vector128.MultiplyAddEstimate(va, c51, vb * Vector128.Load(c + (5 * (long)ldc) + 4)).Store(c + (5 * (long)ldc) + 4);
        }
    }

    /// <summary>
    /// Asks for the MR rows of a C tile before the k loop, so that by the time the kernel merges its accumulators
    /// (a few hundred cycles later) the rows are in L1 even when C is too large for the caches.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchTile(float* c, int ldc, int nr)
    {
        if (Sse.IsSupported)
        {
            for (int r = 0; r < MR; r++)
            {
                float* row = c + ((long)r * ldc);
                Sse.Prefetch0(row);
                Sse.Prefetch0(row + nr - 1);
            }
        }
    }
}
