using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Myelin.Numerics.Internal;

/// <summary>
/// Integer dot products on GGUF blocks, read straight from the block bytes (Q8_0: 34-byte stride, quants at
/// offset 2; Q4_0: 18-byte stride, nibbles at offset 2). Per block the int8 products are summed exactly in
/// int32, converted to float and scaled by d_x * d_y, as ggml does; only the float accumulation order differs
/// from the reference.
/// </summary>
/// <remarks>
/// <para>Signed x signed bytes use the sign trick: |x| (unsigned) times y with x's sign moved onto y, fed to
/// pmaddubsw (byte pairs → int16; at most 2 * 127 * 127, no saturation because quants are in [-127, 127])
/// then pmaddwd with ones (→ int32). With AVX-VNNI, vpdpbusd does both steps at once.</para>
/// <para>On Vector512 two consecutive blocks share one register: lanes 0..7 of the int32 result belong to the
/// first block and 8..15 to the second, matched by a scale vector holding each block's d_x * d_y in its half.</para>
/// </remarks>
internal static class QuantDot
{
    public const int Q8Stride = 34;
    public const int Q4Stride = 18;

    public static float DotQ8(SimdLevel level, ref byte x, ref byte y, int blocks)
    {
        if (level == SimdLevel.Vector512 && Avx512BW.IsSupported)
        {
            return DotQ8Avx512(ref x, ref y, blocks);
        }

        if (level >= SimdLevel.Vector256 && Avx2.IsSupported)
        {
            return DotQ8Avx2(ref x, ref y, blocks);
        }

        if (level >= SimdLevel.Vector128 && Ssse3.IsSupported)
        {
            return DotQ8Ssse3(ref x, ref y, blocks);
        }

        return DotQ8Scalar(ref x, ref y, blocks);
    }

    public static float DotQ4(SimdLevel level, ref byte w, ref byte x, int blocks)
    {
        if (level == SimdLevel.Vector512 && Avx512BW.IsSupported)
        {
            return DotQ4Avx512(ref w, ref x, blocks);
        }

        if (level >= SimdLevel.Vector256 && Avx2.IsSupported)
        {
            return DotQ4Avx2(ref w, ref x, blocks);
        }

        if (level >= SimdLevel.Vector128 && Ssse3.IsSupported)
        {
            return DotQ4Ssse3(ref w, ref x, blocks);
        }

        return DotQ4Scalar(ref w, ref x, blocks);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Scale(ref byte block)
    {
        // Branch-free fp16 → fp32, exact for every finite half (scales are never inf/NaN): move the exponent and
        // mantissa into float position and rebias by multiplying with 2^112, which also handles zero and subnormals.
        uint h = Unsafe.ReadUnaligned<ushort>(ref block);
        float magnitude = BitConverter.UInt32BitsToSingle((h & 0x7FFF) << 13) * 5.192296858534828e33f;
        return BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(magnitude) | ((h & 0x8000) << 16));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float DotQ8Scalar(ref byte x, ref byte y, int blocks)
    {
        float sum = 0f;
        for (int b = 0; b < blocks; b++)
        {
            ref byte xb = ref Unsafe.Add(ref x, b * Q8Stride);
            ref byte yb = ref Unsafe.Add(ref y, b * Q8Stride);
            int sumi = 0;
            for (int j = 0; j < 32; j++)
            {
                sumi += (sbyte)Unsafe.Add(ref xb, 2 + j) * (sbyte)Unsafe.Add(ref yb, 2 + j);
            }

            sum += sumi * (Scale(ref xb) * Scale(ref yb));
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float DotQ4Scalar(ref byte w, ref byte x, int blocks)
    {
        float sum = 0f;
        for (int b = 0; b < blocks; b++)
        {
            ref byte wb = ref Unsafe.Add(ref w, b * Q4Stride);
            ref byte xb = ref Unsafe.Add(ref x, b * Q8Stride);
            int sumi = 0;
            for (int j = 0; j < 16; j++)
            {
                int packed = Unsafe.Add(ref wb, 2 + j);
                sumi += ((packed & 0x0F) - 8) * (sbyte)Unsafe.Add(ref xb, 2 + j);
                sumi += ((packed >> 4) - 8) * (sbyte)Unsafe.Add(ref xb, 18 + j);
            }

            sum += sumi * (Scale(ref wb) * Scale(ref xb));
        }

        return sum;
    }

    /// <summary>Σ x*y over int8 lanes, 8 int32 partial sums (AVX-VNNI when present, else pmaddubsw + pmaddwd).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> MulSum256(Vector256<sbyte> x, Vector256<sbyte> y)
    {
        Vector256<byte> ax = Avx2.Abs(x);
        Vector256<sbyte> sy = Avx2.Sign(y, x);
        if (AvxVnni.IsSupported)
        {
            return AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, ax, sy);
        }

        Vector256<short> pairs = Avx2.MultiplyAddAdjacent(ax, sy);
        return Avx2.MultiplyAddAdjacent(pairs, Vector256.Create((short)1));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> MulSum512(Vector512<sbyte> x, Vector512<sbyte> y)
    {
        // AVX-512 has no vpsignb: negate y where x is negative with a masked select instead.
        Vector512<byte> ax = Avx512BW.Abs(x);
        Vector512<sbyte> sy = Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<sbyte>.Zero), -y, y);
        Vector512<short> pairs = Avx512BW.MultiplyAddAdjacent(ax, sy);
        return Avx512BW.MultiplyAddAdjacent(pairs, Vector512.Create((short)1));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> MulSum128(Vector128<sbyte> x, Vector128<sbyte> y)
    {
        Vector128<byte> ax = Ssse3.Abs(x);
        Vector128<sbyte> sy = Ssse3.Sign(y, x);
        Vector128<short> pairs = Ssse3.MultiplyAddAdjacent(ax, sy);
        return Sse2.MultiplyAddAdjacent(pairs, Vector128.Create((short)1));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float DotQ8Avx2(ref byte x, ref byte y, int blocks)
    {
        Vector256<float> acc = Vector256<float>.Zero;
        for (int b = 0; b < blocks; b++)
        {
            ref byte xb = ref Unsafe.Add(ref x, b * Q8Stride);
            ref byte yb = ref Unsafe.Add(ref y, b * Q8Stride);
            Vector256<int> s = MulSum256(
                Vector256.LoadUnsafe(ref xb, 2).AsSByte(), Vector256.LoadUnsafe(ref yb, 2).AsSByte());
            acc = Vector256.MultiplyAddEstimate(Vector256.ConvertToSingle(s), Vector256.Create(Scale(ref xb) * Scale(ref yb)), acc);
        }

        return Vector256.Sum(acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float DotQ8Ssse3(ref byte x, ref byte y, int blocks)
    {
        Vector128<float> acc = Vector128<float>.Zero;
        for (int b = 0; b < blocks; b++)
        {
            ref byte xb = ref Unsafe.Add(ref x, b * Q8Stride);
            ref byte yb = ref Unsafe.Add(ref y, b * Q8Stride);
            Vector128<int> s = MulSum128(Vector128.LoadUnsafe(ref xb, 2).AsSByte(), Vector128.LoadUnsafe(ref yb, 2).AsSByte())
                + MulSum128(Vector128.LoadUnsafe(ref xb, 18).AsSByte(), Vector128.LoadUnsafe(ref yb, 18).AsSByte());
            acc = Vector128.MultiplyAddEstimate(Vector128.ConvertToSingle(s), Vector128.Create(Scale(ref xb) * Scale(ref yb)), acc);
        }

        return Vector128.Sum(acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float DotQ8Avx512(ref byte x, ref byte y, int blocks)
    {
        Vector512<float> acc = Vector512<float>.Zero;
        int b = 0;
        for (; b + 2 <= blocks; b += 2)
        {
            ref byte x0 = ref Unsafe.Add(ref x, b * Q8Stride);
            ref byte y0 = ref Unsafe.Add(ref y, b * Q8Stride);
            ref byte x1 = ref Unsafe.Add(ref x0, Q8Stride);
            ref byte y1 = ref Unsafe.Add(ref y0, Q8Stride);
            Vector512<sbyte> xv = Vector512.Create(Vector256.LoadUnsafe(ref x0, 2), Vector256.LoadUnsafe(ref x1, 2)).AsSByte();
            Vector512<sbyte> yv = Vector512.Create(Vector256.LoadUnsafe(ref y0, 2), Vector256.LoadUnsafe(ref y1, 2)).AsSByte();
            Vector512<float> scale = Vector512.Create(
                Vector256.Create(Scale(ref x0) * Scale(ref y0)), Vector256.Create(Scale(ref x1) * Scale(ref y1)));
            acc = Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(MulSum512(xv, yv)), scale, acc);
        }

        float sum = Vector512.Sum(acc);
        if (b < blocks)
        {
            sum += DotQ8Avx2(ref Unsafe.Add(ref x, b * Q8Stride), ref Unsafe.Add(ref y, b * Q8Stride), blocks - b);
        }

        return sum;
    }

    /// <summary>Unpacks 16 bytes of nibbles to 32 unsigned quants in [0, 15]: low nibbles then high nibbles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Nibbles256(ref byte wb)
    {
        Vector128<byte> packed = Vector128.LoadUnsafe(ref wb, 2);
        Vector128<byte> mask = Vector128.Create((byte)0x0F);
        return Vector256.Create(packed & mask, Vector128.ShiftRightLogical(packed, 4) & mask);
    }

    /// <summary>
    /// Σ (q - 8) * x for unsigned nibbles q: pmaddubsw(q, x) - pmaddubsw(8, x) per int16 pair (|.| ≤ 2032, exact),
    /// then pmaddwd with ones. No sign trick needed because q is already unsigned.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> MulSumQ4x256(Vector256<byte> q, Vector256<sbyte> x)
    {
        Vector256<short> pairs = Avx2.MultiplyAddAdjacent(q, x) - Avx2.MultiplyAddAdjacent(Vector256.Create((byte)8), x);
        return Avx2.MultiplyAddAdjacent(pairs, Vector256.Create((short)1));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> MulSumQ4x512(Vector512<byte> q, Vector512<sbyte> x)
    {
        Vector512<short> pairs = Avx512BW.MultiplyAddAdjacent(q, x) - Avx512BW.MultiplyAddAdjacent(Vector512.Create((byte)8), x);
        return Avx512BW.MultiplyAddAdjacent(pairs, Vector512.Create((short)1));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float DotQ4Avx2(ref byte w, ref byte x, int blocks)
    {
        Vector256<float> acc = Vector256<float>.Zero;
        for (int b = 0; b < blocks; b++)
        {
            ref byte wb = ref Unsafe.Add(ref w, b * Q4Stride);
            ref byte xb = ref Unsafe.Add(ref x, b * Q8Stride);
            Vector256<int> s = MulSumQ4x256(Nibbles256(ref wb), Vector256.LoadUnsafe(ref xb, 2).AsSByte());
            acc = Vector256.MultiplyAddEstimate(Vector256.ConvertToSingle(s), Vector256.Create(Scale(ref wb) * Scale(ref xb)), acc);
        }

        return Vector256.Sum(acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float DotQ4Ssse3(ref byte w, ref byte x, int blocks)
    {
        Vector128<float> acc = Vector128<float>.Zero;
        Vector128<byte> mask = Vector128.Create((byte)0x0F);
        Vector128<byte> eight = Vector128.Create((byte)8);
        for (int b = 0; b < blocks; b++)
        {
            ref byte wb = ref Unsafe.Add(ref w, b * Q4Stride);
            ref byte xb = ref Unsafe.Add(ref x, b * Q8Stride);
            Vector128<byte> packed = Vector128.LoadUnsafe(ref wb, 2);
            Vector128<sbyte> lo = ((packed & mask) - eight).AsSByte();
            Vector128<sbyte> hi = ((Vector128.ShiftRightLogical(packed, 4) & mask) - eight).AsSByte();
            Vector128<int> s = MulSum128(lo, Vector128.LoadUnsafe(ref xb, 2).AsSByte())
                + MulSum128(hi, Vector128.LoadUnsafe(ref xb, 18).AsSByte());
            acc = Vector128.MultiplyAddEstimate(Vector128.ConvertToSingle(s), Vector128.Create(Scale(ref wb) * Scale(ref xb)), acc);
        }

        return Vector128.Sum(acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float DotQ4Avx512(ref byte w, ref byte x, int blocks)
    {
        Vector512<float> acc = Vector512<float>.Zero;
        int b = 0;
        for (; b + 2 <= blocks; b += 2)
        {
            ref byte w0 = ref Unsafe.Add(ref w, b * Q4Stride);
            ref byte x0 = ref Unsafe.Add(ref x, b * Q8Stride);
            ref byte w1 = ref Unsafe.Add(ref w0, Q4Stride);
            ref byte x1 = ref Unsafe.Add(ref x0, Q8Stride);
            Vector512<byte> wv = Vector512.Create(Nibbles256(ref w0), Nibbles256(ref w1));
            Vector512<sbyte> xv = Vector512.Create(Vector256.LoadUnsafe(ref x0, 2), Vector256.LoadUnsafe(ref x1, 2)).AsSByte();
            Vector512<float> scale = Vector512.Create(
                Vector256.Create(Scale(ref w0) * Scale(ref x0)), Vector256.Create(Scale(ref w1) * Scale(ref x1)));
            acc = Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(MulSumQ4x512(wv, xv)), scale, acc);
        }

        float sum = Vector512.Sum(acc);
        if (b < blocks)
        {
            sum += DotQ4Avx2(ref Unsafe.Add(ref w, b * Q4Stride), ref Unsafe.Add(ref x, b * Q8Stride), blocks - b);
        }

        return sum;
    }
}
