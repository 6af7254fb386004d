using Myelin.Core;
using Myelin.Core.Log;

namespace Myelin.Evals;

/// <summary>A delegate-based fake log.</summary>
public sealed class TestExperienceLog : IExperienceLog
{
    public Func<TenantId, IReadOnlyList<NewExperienceRecord>, CancellationToken, Task<IReadOnlyList<AppendResult>>>? AppendCallback { get; set; }

    public Task<IReadOnlyList<AppendResult>> AppendAsync(TenantId tenant, IReadOnlyList<NewExperienceRecord> records, CancellationToken cancellationToken = default) =>
        AppendCallback!(tenant, records, cancellationToken);

    public Func<TenantId, LogQuery, IReadOnlyList<ExperienceRecord>>? QueryCallback { get; set; }

    public Task<IReadOnlyList<ExperienceRecord>> QueryAsync(TenantId tenant, LogQuery query, CancellationToken cancellationToken = default) =>
        Task.FromResult(QueryCallback?.Invoke(tenant, query) ?? []);

    public Task<long> CountAsync(TenantId tenant, LogQuery query, CancellationToken cancellationToken = default) => Task.FromResult(0L);

    public Task<long> GetHeadOffsetAsync(TenantId tenant, CancellationToken cancellationToken = default) => Task.FromResult(0L);

    public Task<long> RedactAsync(TenantId tenant, IReadOnlyList<long> offsets, string reason, CancellationToken cancellationToken = default) =>
        Task.FromResult(0L);
}
