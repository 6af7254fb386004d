namespace Myelin.Evals.Monitoring;

/// <summary>
/// Deterministic sampling keyed by trace id: a trace's position in [0, 1) is a hash of the seed and the id, and the trace
/// is sampled when its position is below the rate. The same trace is sampled (or not) on every run and every replica,
/// and raising the rate only adds traces.
/// </summary>
public static class MonitorSampler
{
    /// <summary>The trace's position in [0, 1): FNV-1a 64 over the seed and the id, finished with the SplitMix64 mixer.</summary>
    public static double Position(long seed, string traceId)
    {
        ArgumentNullException.ThrowIfNull(traceId);
        const ulong Prime = 1099511628211;
        ulong hash = 14695981039346656037;
        for (int i = 0; i < 8; i++)
        {
            hash = (hash ^ (byte)((ulong)seed >> (8 * i))) * Prime;
        }

        foreach (char c in traceId)
        {
            hash = (hash ^ (byte)c) * Prime;
            hash = (hash ^ (byte)(c >> 8)) * Prime;
        }

        // FNV's low bits mix poorly for short, similar keys; SplitMix64's finaliser spreads every input bit.
        hash ^= hash >> 30;
        hash *= 0xBF58476D1CE4E5B9;
        hash ^= hash >> 27;
        hash *= 0x94D049BB133111EB;
        hash ^= hash >> 31;
        return (hash >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>Whether the trace is in a sample of <paramref name="rate"/> (0 none, 1 all).</summary>
    public static bool Includes(double rate, long seed, string traceId) => rate >= 1 || (rate > 0 && Position(seed, traceId) < rate);
}
