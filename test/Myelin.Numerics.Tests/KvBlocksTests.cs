using Myelin.Numerics.Internal;

namespace Myelin.Numerics;

public class KvBlocksTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public unsafe void TransposeKeys_puts_key_j_dim_d_at_d_times_64_plus_j_and_zero_pads(bool avx)
    {
        avx &= System.Runtime.Intrinsics.X86.Avx.IsSupported;
        foreach (int hd in new[] { 3, 8, 40, 64, 72 })
        {
            foreach (int bn in new[] { 1, 7, 8, 15, 16, 17, 40, 63, 64 })
            {
                // Keys of the second of three KV heads, so rows are kvRow apart and the head starts mid-row.
                int kvRow = 3 * hd;
                float[] k = TestData.Random(bn * kvRow, (ulong)((hd * 100) + bn));
                float[] kt = new float[hd * AttentionTile.BlockKeys];
                kt.AsSpan().Fill(float.NaN);
                int padded = Math.Min(AttentionTile.BlockKeys, ((bn + 15) / 16) * 16);
                fixed (float* pk = k)
                fixed (float* pt = kt)
                {
                    KvBlocks.TransposeKeys(pk + hd, kvRow, bn, padded, hd, pt, avx);
                }

                for (int d = 0; d < hd; d++)
                {
                    for (int j = 0; j < padded; j++)
                    {
                        float expected = j < bn ? k[(j * kvRow) + hd + d] : 0f;
                        Assert.True(expected.Equals(kt[(d * AttentionTile.BlockKeys) + j]), $"avx {avx}, hd {hd}, bn {bn}: [{d}, {j}]");
                    }
                }
            }
        }
    }
}
