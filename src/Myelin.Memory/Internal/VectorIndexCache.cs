using System.Collections.Concurrent;
using Myelin.Core;

namespace Myelin.Memory.Internal;

/// <summary>The per-user vector indexes of one retriever. Each is brought up to date from the store before a search
/// (reading only vectors with a higher sequence than it already holds).</summary>
internal sealed class VectorIndexCache(IMemoryStore store, int hnswThreshold, bool allowSparse)
{
    private readonly ConcurrentDictionary<(string Tenant, string User), UserVectorIndex> _indexes = new();

    public async Task<UserVectorIndex> GetAsync(TenantId tenant, string userId, CancellationToken cancellationToken)
    {
        UserVectorIndex index = _indexes.GetOrAdd((tenant.Value, userId), _ => new UserVectorIndex(384, hnswThreshold, allowSparse));
        await index.LoadLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            IReadOnlyList<StoredVector> fresh = await store.ReadVectorsAsync(tenant, userId, index.LastSequence, cancellationToken)
                .ConfigureAwait(false);
            if (fresh.Count > 0)
            {
                index.Append(fresh);
            }
        }
        finally
        {
            index.LoadLock.Release();
        }

        return index;
    }

    public void Forget(TenantId tenant, string userId) => _indexes.TryRemove((tenant.Value, userId), out _);
}
