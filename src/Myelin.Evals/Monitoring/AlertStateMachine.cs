namespace Myelin.Evals.Monitoring;

/// <summary>The alert state machine: one event on entering <c>firing</c>, one on leaving it, nothing in between (deduplication).</summary>
public static class AlertStateMachine
{
    /// <summary>The next state and the event to emit (null for none).</summary>
    /// <param name="current">The rule's state.</param>
    /// <param name="condition">The condition over the window; null when the window is too sparse to judge, which holds the state.</param>
    public static (AlertState Next, AlertState? Emit) Step(AlertState current, bool? condition) => (current, condition) switch
    {
        (_, null) => (current, null),
        (AlertState.Firing, true) => (AlertState.Firing, null),
        (AlertState.Firing, false) => (AlertState.Resolved, AlertState.Resolved),
        (_, true) => (AlertState.Firing, AlertState.Firing),
        _ => (current, null),
    };
}
