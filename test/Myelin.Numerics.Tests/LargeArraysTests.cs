namespace Myelin.Numerics;

public sealed class LargeArraysTests
{
    [Fact]
    public void Large_float_arrays_have_the_requested_length_and_hold_what_is_written()
    {
        // 5M floats (20 MB): above the huge-page threshold, so the advice path runs on Linux.
        float[] a = LargeArrays.Floats(5_000_000);
        Assert.Equal(5_000_000, a.Length);
        for (int i = 0; i < a.Length; i += 4099)
        {
            a[i] = i;
        }

        for (int i = 0; i < a.Length; i += 4099)
        {
            Assert.Equal(i, a[i]);
        }

        Assert.Empty(LargeArrays.Floats(0));
        Assert.Equal(7, LargeArrays.Floats(7).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => LargeArrays.Floats(-1));
    }
}
