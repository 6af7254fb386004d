using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Myelin.Numerics.Internal;

/// <summary>x + y.</summary>
internal readonly struct AddOp : IBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Invoke(float x, float y) => x + y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Invoke(Vector128<float> x, Vector128<float> y) => x + y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => x + y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => x + y;
}

/// <summary>x * y.</summary>
internal readonly struct MultiplyOp : IBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Invoke(float x, float y) => x * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Invoke(Vector128<float> x, Vector128<float> y) => x * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => x * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => x * y;
}

/// <summary>y + alpha * x (x = the added vector, y = the accumulator).</summary>
internal readonly struct AxpyOp(float alpha) : IBinaryOp
{
    public float Alpha { get; } = alpha;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Invoke(float x, float y) => y + (Alpha * x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Invoke(Vector128<float> x, Vector128<float> y) => Vector128.MultiplyAddEstimate(Vector128.Create(Alpha), x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => Vector256.MultiplyAddEstimate(Vector256.Create(Alpha), x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => Vector512.MultiplyAddEstimate(Vector512.Create(Alpha), x, y);
}

/// <summary>alpha * x.</summary>
internal readonly struct ScaleOp(float alpha) : IUnaryOp
{
    public float Alpha { get; } = alpha;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Invoke(float x) => Alpha * x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Invoke(Vector128<float> x) => Vector128.Create(Alpha) * x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.Create(Alpha) * x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.Create(Alpha) * x;
}

/// <summary>x / (1 + exp(-x)).</summary>
internal readonly struct SiluOp : IUnaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Invoke(float x) => ScalarMath.Silu(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Invoke(Vector128<float> x) => x / (Vector128<float>.One + Vector128.Exp(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Invoke(Vector256<float> x) => x / (Vector256<float>.One + Vector256.Exp(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Invoke(Vector512<float> x) => x / (Vector512<float>.One + Vector512.Exp(-x));
}

/// <summary>silu(x) * y.</summary>
internal readonly struct SwiGluOp : IBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Invoke(float x, float y) => ScalarMath.Silu(x) * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Invoke(Vector128<float> x, Vector128<float> y) => x / (Vector128<float>.One + Vector128.Exp(-x)) * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => x / (Vector256<float>.One + Vector256.Exp(-x)) * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => x / (Vector512<float>.One + Vector512.Exp(-x)) * y;
}

/// <summary>x/2 * (1 + tanh(u)), with tanh(u) = 1 - 2 / (exp(2u) + 1), which saturates correctly at both ends.</summary>
internal readonly struct GeluTanhOp : IUnaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Invoke(float x) => ScalarMath.GeluTanh(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Invoke(Vector128<float> x) => Vector128.Create(0.5f) * x * (Vector128.Create(2f) - (Vector128.Create(2f) / (Vector128.Exp(Vector128.Create(2f * ScalarMath.SqrtTwoOverPi) * (x + (Vector128.Create(0.044715f) * x * x * x))) + Vector128<float>.One)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.Create(0.5f) * x * (Vector256.Create(2f) - (Vector256.Create(2f) / (Vector256.Exp(Vector256.Create(2f * ScalarMath.SqrtTwoOverPi) * (x + (Vector256.Create(0.044715f) * x * x * x))) + Vector256<float>.One)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.Create(0.5f) * x * (Vector512.Create(2f) - (Vector512.Create(2f) / (Vector512.Exp(Vector512.Create(2f * ScalarMath.SqrtTwoOverPi) * (x + (Vector512.Create(0.044715f) * x * x * x))) + Vector512<float>.One)));
}

/// <summary>x/2 * (1 + erf(x / sqrt 2)), erf by the same A&amp;S 7.1.26 formula as the scalar code.</summary>
internal readonly struct GeluErfOp : IUnaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Invoke(float x) => ScalarMath.GeluErf(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Invoke(Vector128<float> x) => Vector128.Create(0.5f) * x * (Vector128<float>.One + Erf(x * Vector128.Create(ScalarMath.InvSqrtTwo)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.Create(0.5f) * x * (Vector256<float>.One + Erf(x * Vector256.Create(ScalarMath.InvSqrtTwo)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.Create(0.5f) * x * (Vector512<float>.One + Erf(x * Vector512.Create(ScalarMath.InvSqrtTwo)));

    private static Vector128<float> Erf(Vector128<float> x)
    {
        Vector128<float> ax = Vector128.Abs(x);
        Vector128<float> t = Vector128<float>.One / (Vector128<float>.One + (Vector128.Create(ScalarMath.ErfP) * ax));
        Vector128<float> poly = Vector128.Create(ScalarMath.ErfA5);
        poly = Vector128.MultiplyAddEstimate(poly, t, Vector128.Create(ScalarMath.ErfA4));
        poly = Vector128.MultiplyAddEstimate(poly, t, Vector128.Create(ScalarMath.ErfA3));
        poly = Vector128.MultiplyAddEstimate(poly, t, Vector128.Create(ScalarMath.ErfA2));
        poly = Vector128.MultiplyAddEstimate(poly, t, Vector128.Create(ScalarMath.ErfA1));
        poly *= t;
        Vector128<float> y = Vector128<float>.One - (poly * Vector128.Exp(-ax * ax));
        return Vector128.CopySign(y, x);
    }

    private static Vector256<float> Erf(Vector256<float> x)
    {
        Vector256<float> ax = Vector256.Abs(x);
        Vector256<float> t = Vector256<float>.One / (Vector256<float>.One + (Vector256.Create(ScalarMath.ErfP) * ax));
        Vector256<float> poly = Vector256.Create(ScalarMath.ErfA5);
        poly = Vector256.MultiplyAddEstimate(poly, t, Vector256.Create(ScalarMath.ErfA4));
        poly = Vector256.MultiplyAddEstimate(poly, t, Vector256.Create(ScalarMath.ErfA3));
        poly = Vector256.MultiplyAddEstimate(poly, t, Vector256.Create(ScalarMath.ErfA2));
        poly = Vector256.MultiplyAddEstimate(poly, t, Vector256.Create(ScalarMath.ErfA1));
        poly *= t;
        Vector256<float> y = Vector256<float>.One - (poly * Vector256.Exp(-ax * ax));
        return Vector256.CopySign(y, x);
    }

    private static Vector512<float> Erf(Vector512<float> x)
    {
        Vector512<float> ax = Vector512.Abs(x);
        Vector512<float> t = Vector512<float>.One / (Vector512<float>.One + (Vector512.Create(ScalarMath.ErfP) * ax));
        Vector512<float> poly = Vector512.Create(ScalarMath.ErfA5);
        poly = Vector512.MultiplyAddEstimate(poly, t, Vector512.Create(ScalarMath.ErfA4));
        poly = Vector512.MultiplyAddEstimate(poly, t, Vector512.Create(ScalarMath.ErfA3));
        poly = Vector512.MultiplyAddEstimate(poly, t, Vector512.Create(ScalarMath.ErfA2));
        poly = Vector512.MultiplyAddEstimate(poly, t, Vector512.Create(ScalarMath.ErfA1));
        poly *= t;
        Vector512<float> y = Vector512<float>.One - (poly * Vector512.Exp(-ax * ax));
        return Vector512.CopySign(y, x);
    }
}

/// <summary>exp(x - shift), the softmax numerator.</summary>
internal readonly struct ExpShiftOp(float shift) : IUnaryOp
{
    public float Shift { get; } = shift;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Invoke(float x) => MathF.Exp(x - Shift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Invoke(Vector128<float> x) => Vector128.Exp(x - Vector128.Create(Shift));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.Exp(x - Vector256.Create(Shift));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.Exp(x - Vector512.Create(Shift));
}

/// <summary>x + value.</summary>
internal readonly struct AddScalarOp(float value) : IUnaryOp
{
    public float Value { get; } = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Invoke(float x) => x + Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Invoke(Vector128<float> x) => x + Vector128.Create(Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Invoke(Vector256<float> x) => x + Vector256.Create(Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Invoke(Vector512<float> x) => x + Vector512.Create(Value);
}
