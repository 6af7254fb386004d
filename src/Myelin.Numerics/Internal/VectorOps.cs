using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Myelin.Numerics.Internal;

/// <summary>An elementwise map with the same formula at every width (struct, so the JIT specialises drivers).</summary>
internal interface IUnaryOp
{
    float Invoke(float x);

    Vector128<float> Invoke(Vector128<float> x);

    Vector256<float> Invoke(Vector256<float> x);

    Vector512<float> Invoke(Vector512<float> x);
}

/// <summary>An elementwise function of two inputs.</summary>
internal interface IBinaryOp
{
    float Invoke(float x, float y);

    Vector128<float> Invoke(Vector128<float> x, Vector128<float> y);

    Vector256<float> Invoke(Vector256<float> x, Vector256<float> y);

    Vector512<float> Invoke(Vector512<float> x, Vector512<float> y);
}

/// <summary>
/// Width-dispatched drivers: the widest allowed vector width whose single vector fits the input runs the whole
/// span. The remainder is one overlapping final vector whose inputs are loaded and computed before the main loop
/// writes anything, so in-place calls (destination == source) stay correct. Spans shorter than a Vector128 run
/// the scalar formula.
/// </summary>
internal static class VectorOps
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Map<TOp>(SimdLevel level, TOp op, ReadOnlySpan<float> x, Span<float> destination)
        where TOp : struct, IUnaryOp
    {
        ref float xr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        ref float dr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(destination);
        nuint n = (nuint)x.Length;
        if (level == SimdLevel.Vector512 && n >= 16)
        {
            Vector512<float> last = op.Invoke(Vector512.LoadUnsafe(ref xr, n - 16));
            for (nuint i = 0; i + 16 <= n; i += 16)
            {
                op.Invoke(Vector512.LoadUnsafe(ref xr, i)).StoreUnsafe(ref dr, i);
            }

            last.StoreUnsafe(ref dr, n - 16);
        }
        else if (level >= SimdLevel.Vector256 && n >= 8)
        {
            Vector256<float> last = op.Invoke(Vector256.LoadUnsafe(ref xr, n - 8));
            for (nuint i = 0; i + 8 <= n; i += 8)
            {
                op.Invoke(Vector256.LoadUnsafe(ref xr, i)).StoreUnsafe(ref dr, i);
            }

            last.StoreUnsafe(ref dr, n - 8);
        }
        else if (level >= SimdLevel.Vector128 && n >= 4)
        {
            Vector128<float> last = op.Invoke(Vector128.LoadUnsafe(ref xr, n - 4));
            for (nuint i = 0; i + 4 <= n; i += 4)
            {
                op.Invoke(Vector128.LoadUnsafe(ref xr, i)).StoreUnsafe(ref dr, i);
            }

            last.StoreUnsafe(ref dr, n - 4);
        }
        else
        {
            for (nuint i = 0; i < n; i++)
            {
                Unsafe.Add(ref dr, i) = op.Invoke(Unsafe.Add(ref xr, i));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Zip<TOp>(SimdLevel level, TOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
        where TOp : struct, IBinaryOp
    {
        ref float xr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        ref float yr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
        ref float dr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(destination);
        nuint n = (nuint)x.Length;
        if (level == SimdLevel.Vector512 && n >= 16)
        {
            Vector512<float> last = op.Invoke(Vector512.LoadUnsafe(ref xr, n - 16), Vector512.LoadUnsafe(ref yr, n - 16));
            for (nuint i = 0; i + 16 <= n; i += 16)
            {
                op.Invoke(Vector512.LoadUnsafe(ref xr, i), Vector512.LoadUnsafe(ref yr, i)).StoreUnsafe(ref dr, i);
            }

            last.StoreUnsafe(ref dr, n - 16);
        }
        else if (level >= SimdLevel.Vector256 && n >= 8)
        {
            Vector256<float> last = op.Invoke(Vector256.LoadUnsafe(ref xr, n - 8), Vector256.LoadUnsafe(ref yr, n - 8));
            for (nuint i = 0; i + 8 <= n; i += 8)
            {
                op.Invoke(Vector256.LoadUnsafe(ref xr, i), Vector256.LoadUnsafe(ref yr, i)).StoreUnsafe(ref dr, i);
            }

            last.StoreUnsafe(ref dr, n - 8);
        }
        else if (level >= SimdLevel.Vector128 && n >= 4)
        {
            Vector128<float> last = op.Invoke(Vector128.LoadUnsafe(ref xr, n - 4), Vector128.LoadUnsafe(ref yr, n - 4));
            for (nuint i = 0; i + 4 <= n; i += 4)
            {
                op.Invoke(Vector128.LoadUnsafe(ref xr, i), Vector128.LoadUnsafe(ref yr, i)).StoreUnsafe(ref dr, i);
            }

            last.StoreUnsafe(ref dr, n - 4);
        }
        else
        {
            for (nuint i = 0; i < n; i++)
            {
                Unsafe.Add(ref dr, i) = op.Invoke(Unsafe.Add(ref xr, i), Unsafe.Add(ref yr, i));
            }
        }
    }

    /// <summary>Σ x[i] * y[i] (pass the same span twice for a sum of squares). The tail is a masked final vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(SimdLevel level, ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        ref float xr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        ref float yr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
        nuint n = (nuint)x.Length;
        if (level == SimdLevel.Vector512 && n >= 16)
        {
            Vector512<float> a0 = Vector512<float>.Zero, a1 = Vector512<float>.Zero;
            nuint i = 0;
            for (; i + 32 <= n; i += 32)
            {
                a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, i), Vector512.LoadUnsafe(ref yr, i), a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, i + 16), Vector512.LoadUnsafe(ref yr, i + 16), a1);
            }

            for (; i + 16 <= n; i += 16)
            {
                a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, i), Vector512.LoadUnsafe(ref yr, i), a0);
            }

            if (i < n)
            {
                // Lanes of the overlapping last vector that were already summed are masked to zero.
                Vector512<float> mask = Vector512.GreaterThanOrEqual(Vector512<int>.Indices, Vector512.Create((int)(16 - (n - i)))).AsSingle();
                a1 += Vector512.LoadUnsafe(ref xr, n - 16) * Vector512.LoadUnsafe(ref yr, n - 16) & mask;
            }

            return Vector512.Sum(a0 + a1);
        }

        if (level >= SimdLevel.Vector256 && n >= 8)
        {
            Vector256<float> a0 = Vector256<float>.Zero, a1 = Vector256<float>.Zero;
            nuint i = 0;
            for (; i + 16 <= n; i += 16)
            {
                a0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref xr, i), Vector256.LoadUnsafe(ref yr, i), a0);
                a1 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref xr, i + 8), Vector256.LoadUnsafe(ref yr, i + 8), a1);
            }

            for (; i + 8 <= n; i += 8)
            {
                a0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref xr, i), Vector256.LoadUnsafe(ref yr, i), a0);
            }

            if (i < n)
            {
                Vector256<float> mask = Vector256.GreaterThanOrEqual(Vector256<int>.Indices, Vector256.Create((int)(8 - (n - i)))).AsSingle();
                a1 += Vector256.LoadUnsafe(ref xr, n - 8) * Vector256.LoadUnsafe(ref yr, n - 8) & mask;
            }

            return Vector256.Sum(a0 + a1);
        }

        if (level >= SimdLevel.Vector128 && n >= 4)
        {
            Vector128<float> a0 = Vector128<float>.Zero;
            nuint i = 0;
            for (; i + 4 <= n; i += 4)
            {
                a0 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref xr, i), Vector128.LoadUnsafe(ref yr, i), a0);
            }

            if (i < n)
            {
                Vector128<float> mask = Vector128.GreaterThanOrEqual(Vector128<int>.Indices, Vector128.Create((int)(4 - (n - i)))).AsSingle();
                a0 += Vector128.LoadUnsafe(ref xr, n - 4) * Vector128.LoadUnsafe(ref yr, n - 4) & mask;
            }

            return Vector128.Sum(a0);
        }

        float sum = 0f;
        for (nuint i = 0; i < n; i++)
        {
            sum += Unsafe.Add(ref xr, i) * Unsafe.Add(ref yr, i);
        }

        return sum;
    }

    /// <summary>Σ x[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Sum(SimdLevel level, ReadOnlySpan<float> x)
    {
        ref float xr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        nuint n = (nuint)x.Length;
        if (level == SimdLevel.Vector512 && n >= 16)
        {
            Vector512<float> a = Vector512<float>.Zero;
            nuint i = 0;
            for (; i + 16 <= n; i += 16)
            {
                a += Vector512.LoadUnsafe(ref xr, i);
            }

            if (i < n)
            {
                Vector512<float> mask = Vector512.GreaterThanOrEqual(Vector512<int>.Indices, Vector512.Create((int)(16 - (n - i)))).AsSingle();
                a += Vector512.LoadUnsafe(ref xr, n - 16) & mask;
            }

            return Vector512.Sum(a);
        }

        if (level >= SimdLevel.Vector256 && n >= 8)
        {
            Vector256<float> a = Vector256<float>.Zero;
            nuint i = 0;
            for (; i + 8 <= n; i += 8)
            {
                a += Vector256.LoadUnsafe(ref xr, i);
            }

            if (i < n)
            {
                Vector256<float> mask = Vector256.GreaterThanOrEqual(Vector256<int>.Indices, Vector256.Create((int)(8 - (n - i)))).AsSingle();
                a += Vector256.LoadUnsafe(ref xr, n - 8) & mask;
            }

            return Vector256.Sum(a);
        }

        if (level >= SimdLevel.Vector128 && n >= 4)
        {
            Vector128<float> a = Vector128<float>.Zero;
            nuint i = 0;
            for (; i + 4 <= n; i += 4)
            {
                a += Vector128.LoadUnsafe(ref xr, i);
            }

            if (i < n)
            {
                Vector128<float> mask = Vector128.GreaterThanOrEqual(Vector128<int>.Indices, Vector128.Create((int)(4 - (n - i)))).AsSingle();
                a += Vector128.LoadUnsafe(ref xr, n - 4) & mask;
            }

            return Vector128.Sum(a);
        }

        float sum = 0f;
        for (nuint i = 0; i < n; i++)
        {
            sum += Unsafe.Add(ref xr, i);
        }

        return sum;
    }

    /// <summary>max x[i], NaN if any is NaN; the overlapping final vector needs no mask since max is idempotent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Max(SimdLevel level, ReadOnlySpan<float> x)
    {
        ref float xr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        nuint n = (nuint)x.Length;
        if (level == SimdLevel.Vector512 && n >= 16)
        {
            Vector512<float> a = Vector512.LoadUnsafe(ref xr, n - 16);
            for (nuint i = 0; i + 16 <= n; i += 16)
            {
                a = Vector512.Max(a, Vector512.LoadUnsafe(ref xr, i));
            }

            return HorizontalMax(a.GetLower(), a.GetUpper());
        }

        if (level >= SimdLevel.Vector256 && n >= 8)
        {
            Vector256<float> a = Vector256.LoadUnsafe(ref xr, n - 8);
            for (nuint i = 0; i + 8 <= n; i += 8)
            {
                a = Vector256.Max(a, Vector256.LoadUnsafe(ref xr, i));
            }

            return HorizontalMax(a, a);
        }

        float max = Unsafe.Add(ref xr, 0);
        for (nuint i = 0; i < n; i++)
        {
            float v = Unsafe.Add(ref xr, i);
            if (float.IsNaN(v))
            {
                return v;
            }

            max = v > max ? v : max;
        }

        return max;
    }

    private static float HorizontalMax(Vector256<float> a, Vector256<float> b)
    {
        Vector256<float> m = Vector256.Max(a, b);
        float max = m[0];
        for (int i = 0; i < 8; i++)
        {
            max = float.IsNaN(m[i]) ? m[i] : Math.Max(max, m[i]);
        }

        return max;
    }
}
