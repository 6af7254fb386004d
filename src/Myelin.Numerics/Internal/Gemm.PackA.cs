using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Myelin.Numerics.Internal;

/// <content>
/// Packing of A into MR-tall panels (panel element (p, r) at p * MR + r). For row-major A this is a transpose of
/// 6 x kc strips; done one element at a time it cost 5-7 % of a 2048³ GEMM (every A block is packed once per K
/// block by each thread). On AVX the strip is transposed 8 columns at a time in registers: six row loads, six
/// unpacks and eight shuffles give, per column p, the rows 0-3 in one 128-bit lane and rows 4-5 in the low half
/// of another, stored as one 16-byte and one 8-byte write.
/// </content>
internal static unsafe partial class Gemm
{
    /// <summary>Packs op(A)[ic..ic+mc, pc..pc+kc] into MR-tall panels: panel element (p, r) at p * MR + r.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(SimdLevel level, bool ta, float* a, int lda, int ic, int mc, int pc, int kc, float* ap)
    {
        bool avx = level >= SimdLevel.Vector256 && Avx.IsSupported;
        for (int ir = 0; ir < mc; ir += MR)
        {
            int mr = Math.Min(MR, mc - ir);
            float* dst = ap + (ir * kc);
            if (ta)
            {
                PackATransposed(a + ((long)pc * lda) + ic + ir, lda, mr, kc, dst, avx);
            }
            else if (mr == MR)
            {
                PackARows(a + ((long)(ic + ir) * lda) + pc, lda, kc, dst, avx);
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    for (int r = 0; r < MR; r++)
                    {
                        dst[r] = r < mr ? a[((long)(ic + ir + r) * lda) + pc + p] : 0f;
                    }

                    dst += MR;
                }
            }
        }
    }

    /// <summary>A stored [k, lda]: the MR values of one p are contiguous, so each p is one short copy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackATransposed(float* src, int lda, int mr, int kc, float* dst, bool avx)
    {
        if (avx && mr == MR)
        {
            for (int p = 0; p < kc; p++)
            {
                float* s = src + ((long)p * lda);
                Vector128.Load(s).Store(dst);
                Unsafe.WriteUnaligned(dst + 4, Unsafe.ReadUnaligned<double>(s + 4));
                dst += MR;
            }

            return;
        }

        for (int p = 0; p < kc; p++)
        {
            float* s = src + ((long)p * lda);
            int r = 0;
            for (; r < mr; r++)
            {
                dst[r] = s[r];
            }

            for (; r < MR; r++)
            {
                dst[r] = 0f;
            }

            dst += MR;
        }
    }

    /// <summary>Six full rows of row-major A, starting at <paramref name="r0"/>, transposed into one panel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackARows(float* r0, int lda, int kc, float* dst, bool avx)
    {
        float* r1 = r0 + lda;
        float* r2 = r1 + lda;
        float* r3 = r2 + lda;
        float* r4 = r3 + lda;
        float* r5 = r4 + lda;
        int p = 0;
        if (avx)
        {
            for (; p + 8 <= kc; p += 8)
            {
                Vector256<float> a0 = Avx.LoadVector256(r0 + p);
                Vector256<float> a1 = Avx.LoadVector256(r1 + p);
                Vector256<float> a2 = Avx.LoadVector256(r2 + p);
                Vector256<float> a3 = Avx.LoadVector256(r3 + p);
                Vector256<float> a4 = Avx.LoadVector256(r4 + p);
                Vector256<float> a5 = Avx.LoadVector256(r5 + p);
                Vector256<float> t0 = Avx.UnpackLow(a0, a1);
                Vector256<float> t1 = Avx.UnpackHigh(a0, a1);
                Vector256<float> t2 = Avx.UnpackLow(a2, a3);
                Vector256<float> t3 = Avx.UnpackHigh(a2, a3);
                Vector256<float> t4 = Avx.UnpackLow(a4, a5);
                Vector256<float> t5 = Avx.UnpackHigh(a4, a5);

                // Columns p+0/p+4, p+1/p+5, p+2/p+6, p+3/p+7 in the low/high 128-bit lanes: rows 0-3 in s*, rows 4-5 in u*.
                Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44);
                Vector256<float> s1 = Avx.Shuffle(t0, t2, 0xEE);
                Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44);
                Vector256<float> s3 = Avx.Shuffle(t1, t3, 0xEE);
                Vector256<double> u0 = t4.AsDouble();
                Vector256<double> u1 = Avx.Shuffle(t4, t4, 0xEE).AsDouble();
                Vector256<double> u2 = t5.AsDouble();
                Vector256<double> u3 = Avx.Shuffle(t5, t5, 0xEE).AsDouble();

                float* d = dst + (p * MR);
                StoreColumn(d + (0 * MR), s0.GetLower(), u0.GetLower());
                StoreColumn(d + (1 * MR), s1.GetLower(), u1.GetLower());
                StoreColumn(d + (2 * MR), s2.GetLower(), u2.GetLower());
                StoreColumn(d + (3 * MR), s3.GetLower(), u3.GetLower());
                StoreColumn(d + (4 * MR), s0.GetUpper(), u0.GetUpper());
                StoreColumn(d + (5 * MR), s1.GetUpper(), u1.GetUpper());
                StoreColumn(d + (6 * MR), s2.GetUpper(), u2.GetUpper());
                StoreColumn(d + (7 * MR), s3.GetUpper(), u3.GetUpper());
            }
        }

        for (; p < kc; p++)
        {
            float* d = dst + (p * MR);
            d[0] = r0[p];
            d[1] = r1[p];
            d[2] = r2[p];
            d[3] = r3[p];
            d[4] = r4[p];
            d[5] = r5[p];
        }
    }

    /// <summary>Writes one packed column: rows 0-3 from <paramref name="top"/>, rows 4-5 from the low 8 bytes of <paramref name="bottom"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreColumn(float* d, Vector128<float> top, Vector128<double> bottom)
    {
        top.Store(d);
        Unsafe.WriteUnaligned(d + 4, bottom.ToScalar());
    }
}
