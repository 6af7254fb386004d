using Myelin.Core;

namespace Myelin.Evals.Judges;

/// <summary>Stores validated judge responses so a re-run of the same judging makes no model call and replays the same verdict.</summary>
/// <remarks>Thread-safe. Rows are tenant-scoped. Only responses that parsed as valid verdicts are stored.</remarks>
public interface IJudgeCache
{
    /// <summary>The cached response text for <paramref name="key"/>, or null.</summary>
    Task<string?> GetAsync(TenantId tenant, JudgeCacheKey key, CancellationToken cancellationToken = default);

    /// <summary>Stores a response (the first one stored for a key wins).</summary>
    Task SetAsync(TenantId tenant, JudgeCacheKey key, string response, CancellationToken cancellationToken = default);
}
