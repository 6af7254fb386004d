namespace Myelin.Numerics;

public class GemmTests
{
    public static TheoryData<string, bool, bool> PathsAndTransposes()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (string name in TestData.SimdNames)
        {
            foreach (bool ta in new[] { false, true })
            {
                foreach (bool tb in new[] { false, true })
                {
                    data.Add(name, ta, tb);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PathsAndTransposes))]
    public void Gemm_matches_reference_on_odd_shapes(string name, bool ta, bool tb)
    {
        IKernels k = Kernels.Create(name);
        int[] sizes = [1, 2, 3, 5, 6, 7, 13, 16, 17, 31, 33, 47, 64, 67];
        ulong seed = 1;
        foreach (int m in sizes)
        {
            foreach (int n in new[] { 1, 7, 32, 33, 67 })
            {
                foreach (int kd in new[] { 1, 5, 64, 67 })
                {
                    Check(k, ta, tb, m, n, kd, 1.5f, m % 2 == 0 ? 0f : 0.5f, seed++);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndTransposes))]
    public void Gemm_matches_reference_on_blocked_shapes(string name, bool ta, bool tb)
    {
        IKernels k = Kernels.Create(name);
        Check(k, ta, tb, 150, 530, 260, 1f, 0f, 7);
        Check(k, ta, tb, 1, 1100, 300, 0.5f, 2f, 8);
        Check(k, ta, tb, 64, 96, 513, 1f, 1f, 9);
    }

    [Fact]
    public void Gemm_with_beta_zero_ignores_nan_in_c()
    {
        foreach (string name in TestData.SimdNames)
        {
            IKernels k = Kernels.Create(name);
            float[] a = TestData.Random(9 * 11, 3);
            float[] b = TestData.Random(11 * 13, 4);
            float[] c = Enumerable.Repeat(float.NaN, 9 * 13).ToArray();
            k.Gemm(false, false, 9, 13, 11, 1f, a, 11, b, 13, 0f, c, 13);
            Assert.DoesNotContain(c, float.IsNaN);
        }
    }

    [Fact]
    public void BatchedGemm_matches_per_batch_reference()
    {
        foreach (string name in TestData.SimdNames)
        {
            IKernels k = Kernels.Create(name);
            const int batch = 5, m = 7, n = 9, kd = 6;
            float[] a = TestData.Random(batch * m * kd, 10);
            float[] b = TestData.Random(kd * n, 11);
            float[] expected = new float[batch * m * n];
            float[] actual = new float[batch * m * n];
            // B broadcast (stride 0), as attention does with shared weights.
            Kernels.Reference.BatchedGemm(false, false, batch, m, n, kd, 1f, a, kd, m * kd, b, n, 0, 0f, expected, n, m * n);
            k.BatchedGemm(false, false, batch, m, n, kd, 1f, a, kd, m * kd, b, n, 0, 0f, actual, n, m * n);
            TestData.Close(expected, actual, 1e-5f, 1e-5f);
        }
    }

    internal static void Check(IKernels k, bool ta, bool tb, int m, int n, int kd, float alpha, float beta, ulong seed)
    {
        int lda = (ta ? m : kd) + 3;
        int ldb = (tb ? kd : n) + 1;
        int ldc = n + 2;
        float[] a = TestData.Random((ta ? kd : m) * lda, seed);
        float[] b = TestData.Random((tb ? n : kd) * ldb, seed + 1000);
        float[] c0 = TestData.Random(m * ldc, seed + 2000);
        float[] expected = (float[])c0.Clone();
        float[] actual = (float[])c0.Clone();
        Kernels.Reference.Gemm(ta, tb, m, n, kd, alpha, a, lda, b, ldb, beta, expected, ldc);
        k.Gemm(ta, tb, m, n, kd, alpha, a, lda, b, ldb, beta, actual, ldc);
        // Summation order differs: allow a few ulps per term of the dot product.
        float tolerance = 4e-6f * MathF.Sqrt(kd) * 4;
        TestData.Close(expected, actual, tolerance, tolerance * MathF.Sqrt(kd));
    }
}
