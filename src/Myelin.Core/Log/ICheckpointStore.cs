namespace Myelin.Core.Log;

/// <summary>Where log consumers persist how far they have read, per tenant and consumer name.</summary>
/// <remarks>Thread-safe. A consumer name is 1-128 characters; checkpoints never move backwards unless <c>force</c> is set.</remarks>
public interface ICheckpointStore
{
    /// <summary>The last offset the consumer recorded for the tenant, or 0.</summary>
    Task<long> GetAsync(TenantId tenant, string consumer, CancellationToken cancellationToken = default);

    /// <summary>Records that the consumer has processed everything up to <paramref name="offset"/>.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="consumer">The consumer's stable name.</param>
    /// <param name="offset">The last processed offset (0 or more).</param>
    /// <param name="force">Allow moving the checkpoint backwards (to rebuild an index from the log).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <exception cref="MyelinValidationException">The offset is negative, or lower than the stored one without <paramref name="force"/>.</exception>
    Task SetAsync(TenantId tenant, string consumer, long offset, bool force = false, CancellationToken cancellationToken = default);
}
