namespace Myelin.Memory;

/// <summary>What forgetting a user removed.</summary>
/// <param name="Items">Items removed (with their index entries and vectors).</param>
/// <param name="HistoryEntries">History entries removed.</param>
/// <param name="QuarantinedOutputs">Quarantined outputs removed.</param>
/// <param name="AuditId">The id of the audit record that remains (it holds a hash of the user id, not the id).</param>
public sealed record ForgetResult(long Items, long HistoryEntries, long QuarantinedOutputs, string AuditId)
{
    /// <summary>The experience-log offsets the removed items and quarantined outputs came from, ascending: the
    /// records a caller redacts in the log so the user's words leave it too.</summary>
    public IReadOnlyList<long> LogOffsets { get; init; } = [];
}
