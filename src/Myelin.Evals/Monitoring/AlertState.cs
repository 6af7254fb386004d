namespace Myelin.Evals.Monitoring;

/// <summary>An alert rule's state: <c>ok → firing → resolved</c> (and <c>resolved → firing</c> when it trips again).</summary>
public enum AlertState
{
    /// <summary>Never fired.</summary>
    Ok,

    /// <summary>The condition holds; one <c>firing</c> event was emitted on entry and none until it resolves.</summary>
    Firing,

    /// <summary>Fired and then cleared; one <c>resolved</c> event was emitted on entry.</summary>
    Resolved,
}
