using Myelin.Numerics.Internal;

namespace Myelin.Numerics;

/// <summary>
/// The optimised implementation of <see cref="IKernels"/>: Vector512/256/128 code dispatched widest first,
/// cache-blocked packed GEMM, int8 quantised dot products, and multithreading over a small worker pool.
/// </summary>
/// <remarks>
/// Stateless apart from its <see cref="Level"/>, and thread-safe. Results match <see cref="ReferenceKernels"/>
/// within float32 rounding (summation order differs).
/// </remarks>
public sealed partial class SimdKernels : IKernels
{
    private readonly SimdLevel _level;

    /// <summary>Creates kernels that use at most <paramref name="level"/> (clamped to what the hardware accelerates).</summary>
    /// <param name="level">The widest vector width to use.</param>
    public SimdKernels(SimdLevel level)
    {
        _level = SimdSupport.Clamp(level);
    }

    /// <inheritdoc />
    public string Name => _level switch
    {
        SimdLevel.Vector512 => "simd-512",
        SimdLevel.Vector256 => "simd-256",
        SimdLevel.Vector128 => "simd-128",
        _ => "simd-scalar",
    };

    /// <inheritdoc />
    public SimdLevel Level => _level;

    private static ReferenceKernels Ref => ReferenceKernels.Instance;
}
