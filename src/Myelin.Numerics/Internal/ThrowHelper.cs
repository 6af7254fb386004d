using System.Diagnostics.CodeAnalysis;

namespace Myelin.Numerics.Internal;

/// <summary>Throw sites kept out of line so kernels and accessors stay small enough to inline.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowObjectDisposed(string name) => throw new ObjectDisposedException(name);

    [DoesNotReturn]
    public static void ThrowArgument(string message, string paramName) => throw new ArgumentException(message, paramName);

    [DoesNotReturn]
    public static void ThrowNotContiguous() =>
        throw new InvalidOperationException("The tensor is not contiguous; call Contiguous() first.");

    [DoesNotReturn]
    public static void ThrowShortBuffer(string paramName) =>
        throw new ArgumentException("The span is shorter than the shape requires.", paramName);

    /// <summary>Throws unless the span holds at least <paramref name="required"/> elements.</summary>
    public static void CheckLength(int spanLength, long required, string paramName)
    {
        if (spanLength < required)
        {
            ThrowShortBuffer(paramName);
        }
    }
}
