using Myelin.TestUtilities;

namespace Myelin.Evals.Traces;

public sealed class SqliteTraceIndexStoreTests : TraceIndexStoreTests
{
    private readonly TempDirectory _directory = new("myelin-trace-index");

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }

    protected override Task<ITraceIndexStore> CreateStoreAsync() => Task.FromResult<ITraceIndexStore>(SqliteTraceIndexStore.Open(_directory.Path));
}
