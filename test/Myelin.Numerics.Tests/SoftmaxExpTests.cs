using System.Runtime.Intrinsics;
using Myelin.Numerics.Internal;

namespace Myelin.Numerics;

public class SoftmaxExpTests
{
    [Fact]
    public void Exp_is_within_a_few_ulps_of_double_exp_at_every_width()
    {
        // 16 lanes of consecutive points from -87 to 88; the 256- and 128-bit versions get the lower lanes.
        for (float x0 = -87f; x0 < 88f; x0 += 0.0137f * 16)
        {
            var x = new float[16];
            for (int i = 0; i < 16; i++)
            {
                x[i] = Math.Min(88f, x0 + (0.0137f * i));
            }

            Vector512<float> e512 = SoftmaxExp.Exp(Vector512.Create(x));
            Vector256<float> e256 = SoftmaxExp.Exp(Vector256.Create(x.AsSpan(0, 8)));
            Vector128<float> e128 = SoftmaxExp.Exp(Vector128.Create(x.AsSpan(0, 4)));
            for (int i = 0; i < 16; i++)
            {
                double expected = Math.Exp(x[i]);
                Assert.True(Math.Abs(e512[i] - expected) <= 4e-7 * expected, $"exp({x[i]}) = {expected}, 512-bit gave {e512[i]}");
                if (i < 8)
                {
                    Assert.Equal(e512[i], e256[i]);
                }

                if (i < 4)
                {
                    Assert.Equal(e512[i], e128[i]);
                }
            }
        }
    }

    [Fact]
    public void Exp_of_very_negative_inputs_is_tiny_and_never_nan_or_infinite()
    {
        Vector512<float> e = SoftmaxExp.Exp(Vector512.Create(-1000f, -200f, -100f, -87.5f, 0f, 100f, 1000f, -0f, 1f, -1f, 2f, -2f, 10f, -10f, 50f, -50f));
        Assert.True(e[0] is >= 0f and < 2e-38f);
        Assert.True(e[1] is >= 0f and < 2e-38f);
        Assert.True(e[2] is >= 0f and < 2e-38f);
        Assert.Equal(1f, e[4]);
        Assert.True(float.IsFinite(e[5]) && float.IsFinite(e[6]));
        Assert.Equal(1f, e[7]);
    }
}
