namespace Myelin.Storage.Postgres.Internal;

/// <summary>Times are stored as UTC microseconds since the Unix epoch: sortable integers with no time-zone ambiguity.</summary>
internal static class UnixMicros
{
    public static long From(DateTimeOffset value)
    {
        // Floor, not truncate, so times before 1970 still sort and round-trip consistently.
        long quotient = Math.DivRem(value.UtcTicks - DateTime.UnixEpoch.Ticks, TimeSpan.TicksPerMicrosecond, out long remainder);
        return remainder < 0 ? quotient - 1 : quotient;
    }

    public static DateTimeOffset To(long micros) =>
        new(DateTime.UnixEpoch.Ticks + (micros * TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
}
