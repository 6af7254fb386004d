using Myelin.Core;
using Myelin.Core.Log;
using Myelin.Core.Storage;

namespace Myelin.Conformance;

/// <summary>What every storage conformance suite shares: a fresh store per test, disposed after it.</summary>
/// <remarks>A provider's test class derives from a suite and implements <see cref="CreateStorageAsync"/>.</remarks>
public abstract class StorageConformanceBase : IAsyncLifetime
{
    private readonly List<object> _cleanup = [];

    protected static readonly TenantId TenantA = new("tenant-a");
    protected static readonly TenantId TenantB = new("tenant-b");

    /// <summary>A fresh, migrated store that shares nothing with stores made for other tests.</summary>
    protected abstract Task<IMyelinStorage> CreateStorageAsync();

    /// <summary>Creates a store through <see cref="CreateStorageAsync"/> and disposes it when the test ends.</summary>
    protected async Task<IMyelinStorage> NewStorageAsync()
    {
        IMyelinStorage storage = await CreateStorageAsync();
        Track(storage);
        return storage;
    }

    /// <summary>Disposes <paramref name="resource"/> (an IAsyncDisposable or IDisposable) after the test, newest first.</summary>
    protected void Track(object resource) => _cleanup.Add(resource);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        for (int i = _cleanup.Count - 1; i >= 0; i--)
        {
            switch (_cleanup[i])
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }

        _cleanup.Clear();
    }

    protected static NewExperienceRecord Record(
        string kind = ExperienceKinds.Span,
        string payload = "{}",
        DateTimeOffset? timestamp = null,
        string? traceId = null,
        string? sessionId = null,
        string? episodeId = null,
        string? key = null) =>
        new(kind, payload, timestamp, traceId, sessionId, episodeId, key);

    protected static NewExperienceRecord[] Records(int count, string kind = ExperienceKinds.Span) =>
        [.. Enumerable.Range(0, count).Select(i => Record(kind, $$"""{"i":{{i}}}"""))];

    protected static LogQuery All => new() { Limit = LogQuery.MaxLimit };
}
