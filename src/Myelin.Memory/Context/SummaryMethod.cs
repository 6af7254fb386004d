namespace Myelin.Memory.Context;

/// <summary>How the older turns were compacted.</summary>
public enum SummaryMethod
{
    /// <summary>No summary: there were no older turns, or no room for one.</summary>
    None = 0,

    /// <summary>Written by the summariser <c>IChatClient</c>.</summary>
    Model = 1,

    /// <summary>The most informative sentences, picked without a model.</summary>
    Extractive = 2,
}
