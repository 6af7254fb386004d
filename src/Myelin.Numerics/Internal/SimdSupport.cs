using System.Runtime.Intrinsics;

namespace Myelin.Numerics.Internal;

/// <summary>What this process's hardware accelerates, decided once at start-up.</summary>
internal static class SimdSupport
{
    /// <summary>The widest level the hardware accelerates for float32.</summary>
    public static readonly SimdLevel Best = Detect();

    /// <summary>Clamps a requested level to what the hardware can run.</summary>
    public static SimdLevel Clamp(SimdLevel requested) => requested <= Best ? requested : Best;

    private static SimdLevel Detect()
    {
        if (Vector512.IsHardwareAccelerated && Vector512<float>.IsSupported)
        {
            return SimdLevel.Vector512;
        }

        if (Vector256.IsHardwareAccelerated && Vector256<float>.IsSupported)
        {
            return SimdLevel.Vector256;
        }

        if (Vector128.IsHardwareAccelerated && Vector128<float>.IsSupported)
        {
            return SimdLevel.Vector128;
        }

        return SimdLevel.Scalar;
    }
}
