using Myelin.Numerics.Internal;

namespace Myelin.Numerics;

/// <summary>Selects an <see cref="IKernels"/> implementation by name and holds process-wide kernel settings.</summary>
/// <remarks>
/// Names: <c>"reference"</c> (plain scalar, single-threaded), <c>"simd"</c> (widest SIMD the hardware
/// accelerates), and <c>"simd-512"</c>, <c>"simd-256"</c>, <c>"simd-128"</c>, <c>"simd-scalar"</c>, which cap the
/// SIMD width (clamped to the hardware) so every code path can be exercised on one machine.
/// </remarks>
public static class Kernels
{
    private static int s_maxThreads = Environment.ProcessorCount;

    /// <summary>The names <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["reference", "simd", "simd-512", "simd-256", "simd-128", "simd-scalar"];

    /// <summary>The fastest implementation on this machine.</summary>
    public static IKernels Default { get; } = new SimdKernels(SimdSupport.Best);

    /// <summary>The scalar reference implementation.</summary>
    public static IKernels Reference => ReferenceKernels.Instance;

    /// <summary>
    /// The most threads a single kernel call uses (the calling thread included); defaults to
    /// <see cref="Environment.ProcessorCount"/>. Set to 1 to run every kernel on the calling thread.
    /// </summary>
    public static int MaxThreads
    {
        get => Volatile.Read(ref s_maxThreads);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            Volatile.Write(ref s_maxThreads, value);
        }
    }

    /// <summary>Creates the implementation registered under <paramref name="name"/>.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <returns>The kernels.</returns>
    /// <exception cref="ArgumentException">The name is unknown.</exception>
    public static IKernels Create(string name) => name switch
    {
        "reference" => ReferenceKernels.Instance,
        "simd" => Default,
        "simd-512" => new SimdKernels(SimdLevel.Vector512),
        "simd-256" => new SimdKernels(SimdLevel.Vector256),
        "simd-128" => new SimdKernels(SimdLevel.Vector128),
        "simd-scalar" => new SimdKernels(SimdLevel.Scalar),
        _ => throw new ArgumentException($"Unknown kernel implementation '{name}'.", nameof(name)),
    };
}
