namespace Myelin.Memory.Evaluation;

/// <summary>Size and seed of a generated conversation benchmark.</summary>
public sealed class ConversationBenchmarkOptions
{
    /// <summary>The random seed; the same seed and sizes give the same data set.</summary>
    public int Seed { get; set; } = 20_251_122;

    /// <summary>Number of users (default 30).</summary>
    public int Users { get; set; } = 30;

    /// <summary>Sessions per user (default 12).</summary>
    public int SessionsPerUser { get; set; } = 12;

    /// <summary>User turns per session, each followed by an assistant turn (default 5).</summary>
    public int UserTurnsPerSession { get; set; } = 5;

    /// <summary>Most versions of one attribute over a user's timeline (default 4).</summary>
    public int MaxVersions { get; set; } = 4;

    /// <summary>The time of the first session.</summary>
    public DateTimeOffset Start { get; set; } = new(2024, 1, 8, 9, 0, 0, TimeSpan.Zero);
}
