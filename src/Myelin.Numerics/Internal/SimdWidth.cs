using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Myelin.Numerics.Internal;

/// <summary>
/// One vector width as a set of static operations, so a kernel written once as a generic method over
/// <c>(TVec, TWidth)</c> is compiled by the JIT separately for <see cref="Vector512{T}"/>, <see cref="Vector256{T}"/>,
/// <see cref="Vector128{T}"/> and plain <see cref="float"/> (structs are never shared generics; every call below inlines).
/// </summary>
/// <typeparam name="TVec">The register type: a vector of <see cref="Count"/> floats, or one float.</typeparam>
internal unsafe interface ISimdWidth<TVec>
    where TVec : unmanaged
{
    /// <summary>Lanes per register.</summary>
    static abstract int Count { get; }

    static abstract TVec Zero { get; }

    /// <summary>Unaligned load of <see cref="Count"/> floats.</summary>
    static abstract TVec Load(float* p);

    static abstract void Store(float* p, TVec x);

    static abstract TVec Broadcast(float x);

    /// <summary>a * b + c, fused.</summary>
    static abstract TVec MultiplyAdd(TVec a, TVec b, TVec c);

    static abstract TVec Multiply(TVec a, TVec b);

    static abstract TVec Add(TVec a, TVec b);

    static abstract TVec Max(TVec a, TVec b);

    /// <summary>The largest lane.</summary>
    static abstract float MaxAcross(TVec x);

    /// <summary>The sum of the lanes.</summary>
    static abstract float SumAcross(TVec x);

    /// <summary>exp(x - shift) per lane.</summary>
    static abstract TVec ExpShifted(TVec x, float shift);

    /// <summary>Lanes 0..<paramref name="count"/>-1 of <paramref name="x"/>, <paramref name="fill"/> in the rest.</summary>
    static abstract TVec KeepFirst(TVec x, int count, float fill);
}

/// <summary>512-bit registers, 16 lanes.</summary>
internal readonly unsafe struct Width512 : ISimdWidth<Vector512<float>>
{
    public static int Count => 16;

    public static Vector512<float> Zero => Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(float* p) => Vector512.Load(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* p, Vector512<float> x) => x.Store(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float x) => Vector512.Create(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(Vector512<float> x) => Width256.MaxAcross(Vector256.Max(x.GetLower(), x.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SumAcross(Vector512<float> x) => Vector512.Sum(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ExpShifted(Vector512<float> x, float shift) => SoftmaxExp.Exp(x - Vector512.Create(shift));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> KeepFirst(Vector512<float> x, int count, float fill) =>
        Vector512.ConditionalSelect(Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle(), x, Vector512.Create(fill));
}

/// <summary>256-bit registers, 8 lanes.</summary>
internal readonly unsafe struct Width256 : ISimdWidth<Vector256<float>>
{
    public static int Count => 8;

    public static Vector256<float> Zero => Vector256<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(float* p) => Vector256.Load(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* p, Vector256<float> x) => x.Store(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float x) => Vector256.Create(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(Vector256<float> x) => Width128.MaxAcross(Vector128.Max(x.GetLower(), x.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SumAcross(Vector256<float> x) => Vector256.Sum(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ExpShifted(Vector256<float> x, float shift) => SoftmaxExp.Exp(x - Vector256.Create(shift));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> KeepFirst(Vector256<float> x, int count, float fill) =>
        Vector256.ConditionalSelect(Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(count)).AsSingle(), x, Vector256.Create(fill));
}

/// <summary>128-bit registers, 4 lanes.</summary>
internal readonly unsafe struct Width128 : ISimdWidth<Vector128<float>>
{
    public static int Count => 4;

    public static Vector128<float> Zero => Vector128<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(float* p) => Vector128.Load(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* p, Vector128<float> x) => x.Store(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Broadcast(float x) => Vector128.Create(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Max(Vector128<float> a, Vector128<float> b) => Vector128.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(Vector128<float> x) => Math.Max(Math.Max(x.GetElement(0), x.GetElement(1)), Math.Max(x.GetElement(2), x.GetElement(3)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SumAcross(Vector128<float> x) => Vector128.Sum(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ExpShifted(Vector128<float> x, float shift) => SoftmaxExp.Exp(x - Vector128.Create(shift));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> KeepFirst(Vector128<float> x, int count, float fill) =>
        Vector128.ConditionalSelect(Vector128.LessThan(Vector128<int>.Indices, Vector128.Create(count)).AsSingle(), x, Vector128.Create(fill));
}

/// <summary>No vectors: one float per "register", the scalar path.</summary>
internal readonly unsafe struct WidthScalar : ISimdWidth<float>
{
    public static int Count => 1;

    public static float Zero => 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(float* p) => *p;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* p, float x) => *p = x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Broadcast(float x) => x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyAdd(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Multiply(float a, float b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Add(float a, float b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Max(float a, float b) => Math.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(float x) => x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SumAcross(float x) => x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ExpShifted(float x, float shift) => MathF.Exp(x - shift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float KeepFirst(float x, int count, float fill) => count > 0 ? x : fill;
}
