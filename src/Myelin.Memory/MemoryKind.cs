namespace Myelin.Memory;

/// <summary>What a memory item holds.</summary>
/// <remarks>The numeric values are stored; never renumber them.</remarks>
public enum MemoryKind
{
    /// <summary>A conversation turn, stored verbatim.</summary>
    Episode = 0,

    /// <summary>A statement about the world or the user ("lives in Paris").</summary>
    Fact = 1,

    /// <summary>A like, dislike or favourite of the user.</summary>
    Preference = 2,

    /// <summary>How the user wants something done, or a plan they stated.</summary>
    Procedure = 3,

    /// <summary>A condensed account of several other items.</summary>
    Summary = 4,
}
