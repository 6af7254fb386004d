namespace Myelin.Numerics;

/// <summary>The widest SIMD register width a kernel implementation is allowed to use.</summary>
/// <remarks>
/// <see cref="SimdKernels"/> dispatches widest first (<see cref="Vector512"/>, then <see cref="Vector256"/>,
/// then <see cref="Vector128"/>, then scalar). Tests construct kernels at a lower level to exercise every path
/// on one machine; a level above what the hardware accelerates is clamped down.
/// </remarks>
public enum SimdLevel
{
    /// <summary>Plain scalar code, no vector registers.</summary>
    Scalar = 0,

    /// <summary>128-bit vectors (SSE / NEON).</summary>
    Vector128 = 1,

    /// <summary>256-bit vectors (AVX2 + FMA).</summary>
    Vector256 = 2,

    /// <summary>512-bit vectors (AVX-512F/BW).</summary>
    Vector512 = 3,
}
