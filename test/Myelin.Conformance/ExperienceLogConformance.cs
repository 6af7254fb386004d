using Myelin.Core;
using Myelin.Core.Log;
using Myelin.Core.Storage;

namespace Myelin.Conformance;

/// <summary>Appends: offsets, idempotency, atomic batches, concurrency and tenant isolation.</summary>
public abstract class ExperienceLogConformance : StorageConformanceBase
{
    [Fact]
    public async Task Append_AssignsContiguousOffsetsStartingAtOne()
    {
        IMyelinStorage storage = await NewStorageAsync();

        IReadOnlyList<AppendResult> first = await storage.Log.AppendAsync(TenantA, Records(3));
        IReadOnlyList<AppendResult> second = await storage.Log.AppendAsync(TenantA, Records(2));

        Assert.Equal([1L, 2, 3], first.Select(r => r.Offset));
        Assert.Equal([4L, 5], second.Select(r => r.Offset));
        Assert.All(first.Concat(second), r => Assert.False(r.Duplicate));
        Assert.Equal(5, await storage.Log.GetHeadOffsetAsync(TenantA));
    }

    [Fact]
    public async Task Offsets_AreIndependentPerTenant()
    {
        IMyelinStorage storage = await NewStorageAsync();

        await storage.Log.AppendAsync(TenantA, Records(3));
        IReadOnlyList<AppendResult> b = await storage.Log.AppendAsync(TenantB, Records(2));
        IReadOnlyList<AppendResult> a = await storage.Log.AppendAsync(TenantA, Records(1));

        Assert.Equal([1L, 2], b.Select(r => r.Offset));
        Assert.Equal(4, a[0].Offset);
        Assert.Equal(0, await storage.Log.GetHeadOffsetAsync(new TenantId("nobody")));
    }

    [Fact]
    public async Task Append_RoundTripsEveryField()
    {
        IMyelinStorage storage = await NewStorageAsync();
        var timestamp = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.FromHours(2)).AddTicks(1234560);
        DateTimeOffset before = DateTimeOffset.UtcNow.AddSeconds(-1);

        await storage.Log.AppendAsync(
            TenantA,
            [Record(ExperienceKinds.Turn, """{"text":"h\u00e9llo","n":[1,2]}""", timestamp, "trace-1", "session-1", "episode-1", "key-1")]);

        ExperienceRecord stored = Assert.Single(await storage.Log.QueryAsync(TenantA, All));
        Assert.Equal(TenantA, stored.Tenant);
        Assert.Equal(1, stored.Offset);
        Assert.Equal(ExperienceKinds.Turn, stored.Kind);
        Assert.Equal(timestamp, stored.Timestamp);
        Assert.Equal(TimeSpan.Zero, stored.Timestamp.Offset);
        Assert.InRange(stored.RecordedAt, before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal("trace-1", stored.TraceId);
        Assert.Equal("session-1", stored.SessionId);
        Assert.Equal("episode-1", stored.EpisodeId);
        Assert.Equal("key-1", stored.IdempotencyKey);
        Assert.Equal("""{"text":"h\u00e9llo","n":[1,2]}""", stored.PayloadJson);
    }

    [Fact]
    public async Task Append_WithoutTimestamp_UsesTheTimeOfAppend()
    {
        IMyelinStorage storage = await NewStorageAsync();

        await storage.Log.AppendAsync(TenantA, [Record()]);

        ExperienceRecord stored = Assert.Single(await storage.Log.QueryAsync(TenantA, All));
        Assert.Equal(stored.RecordedAt, stored.Timestamp);
        Assert.Null(stored.TraceId);
        Assert.Null(stored.IdempotencyKey);
    }

    [Fact]
    public async Task Idempotency_RetriedKeyReturnsOriginalOffsetAndStoresNothing()
    {
        IMyelinStorage storage = await NewStorageAsync();
        await storage.Log.AppendAsync(TenantA, [Record(key: "k1"), Record(key: "k2")]);

        IReadOnlyList<AppendResult> retry = await storage.Log.AppendAsync(
            TenantA, [Record(payload: """{"other":true}""", key: "k2"), Record(key: "k3"), Record(key: "k1")]);

        Assert.Equal([new AppendResult(2, true), new AppendResult(3, false), new AppendResult(1, true)], retry);
        Assert.Equal(3, await storage.Log.CountAsync(TenantA, All));
        ExperienceRecord second = (await storage.Log.QueryAsync(TenantA, All))[1];
        Assert.Equal("{}", second.PayloadJson);
    }

    [Fact]
    public async Task Idempotency_DuplicateKeyInsideOneBatch_IsADuplicateOfTheFirst()
    {
        IMyelinStorage storage = await NewStorageAsync();

        IReadOnlyList<AppendResult> results = await storage.Log.AppendAsync(
            TenantA, [Record(key: "same"), Record(), Record(key: "same")]);

        Assert.Equal([new AppendResult(1, false), new AppendResult(2, false), new AppendResult(1, true)], results);
        Assert.Equal(2, await storage.Log.GetHeadOffsetAsync(TenantA));
    }

    [Fact]
    public async Task Idempotency_KeysAreScopedPerTenant()
    {
        IMyelinStorage storage = await NewStorageAsync();
        await storage.Log.AppendAsync(TenantA, Records(2));
        await storage.Log.AppendAsync(TenantA, [Record(key: "shared")]);

        IReadOnlyList<AppendResult> b = await storage.Log.AppendAsync(TenantB, [Record(key: "shared")]);

        Assert.Equal(new AppendResult(1, false), b[0]);
    }

    [Theory]
    [InlineData("bogus-kind", "{}", null)]
    [InlineData("span", "{not json", null)]
    [InlineData("span", "{}", "")]
    [InlineData("x.", "{}", null)]
    public async Task AtomicBatch_OneInvalidRecord_StoresNothing(string kind, string payload, string? traceId)
    {
        IMyelinStorage storage = await NewStorageAsync();
        await storage.Log.AppendAsync(TenantA, Records(1));

        await Assert.ThrowsAsync<MyelinValidationException>(
            () => storage.Log.AppendAsync(TenantA, [Record(key: "good"), Record(kind, payload, traceId: traceId)]));

        Assert.Equal(1, await storage.Log.GetHeadOffsetAsync(TenantA));
        IReadOnlyList<AppendResult> after = await storage.Log.AppendAsync(TenantA, [Record(key: "good")]);
        Assert.Equal(new AppendResult(2, false), after[0]);
    }

    [Fact]
    public async Task Append_RejectsEmptyOversizedAndTenantlessBatches()
    {
        IMyelinStorage storage = await NewStorageAsync();

        await Assert.ThrowsAsync<MyelinValidationException>(() => storage.Log.AppendAsync(TenantA, []));
        await Assert.ThrowsAsync<MyelinValidationException>(
            () => storage.Log.AppendAsync(TenantA, Records(ExperienceRecordRules.MaxBatchSize + 1)));
        await Assert.ThrowsAsync<MyelinValidationException>(() => storage.Log.AppendAsync(default, Records(1)));
        await Assert.ThrowsAsync<MyelinValidationException>(
            () => storage.Log.AppendAsync(TenantA, [Record(key: new string('k', ExperienceRecordRules.MaxIdLength + 1))]));
        Assert.Equal(0, await storage.Log.GetHeadOffsetAsync(TenantA));
    }

    [Fact]
    public async Task ConcurrentAppends_ProduceContiguousUniqueOffsets()
    {
        IMyelinStorage storage = await NewStorageAsync();
        const int Tasks = 16;
        const int BatchesPerTask = 20;

        long[][] offsets = await Task.WhenAll(Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
        {
            var mine = new List<long>();
            for (int b = 0; b < BatchesPerTask; b++)
            {
                TenantId tenant = b % 2 == 0 ? TenantA : TenantB;
                IReadOnlyList<AppendResult> results = await storage.Log.AppendAsync(
                    tenant, [Record(key: $"t{t}-b{b}"), Record(), Record(key: $"t{t}-b{b}")]);
                Assert.True(results[2].Duplicate);
                Assert.Equal(results[0].Offset, results[2].Offset);
                Assert.Equal(results[0].Offset + 1, results[1].Offset);
                if (tenant == TenantA)
                {
                    mine.AddRange(results.Take(2).Select(r => r.Offset));
                }
            }

            return mine.ToArray();
        })));

        long[] all = [.. offsets.SelectMany(o => o).Order()];
        Assert.Equal(Enumerable.Range(1, all.Length).Select(i => (long)i), all);
        Assert.Equal(all.Length, await storage.Log.GetHeadOffsetAsync(TenantA));
        Assert.Equal(all.Length, await storage.Log.GetHeadOffsetAsync(TenantB));
        IReadOnlyList<ExperienceRecord> stored = await storage.Log.QueryAsync(TenantA, All);
        Assert.Equal(all, stored.Select(r => r.Offset));
    }

    [Fact]
    public async Task Tenants_NeverSeeEachOthersRecords()
    {
        IMyelinStorage storage = await NewStorageAsync();
        await storage.Log.AppendAsync(TenantA, [Record(payload: """{"owner":"a"}""", traceId: "t", sessionId: "s", episodeId: "e")]);

        Assert.Empty(await storage.Log.QueryAsync(TenantB, All));
        Assert.Empty(await storage.Log.QueryAsync(TenantB, new LogQuery { TraceId = "t" }));
        Assert.Empty(await storage.Log.QueryAsync(TenantB, new LogQuery { SessionId = "s", EpisodeId = "e" }));
        Assert.Equal(0, await storage.Log.CountAsync(TenantB, All));
        Assert.Equal(0, await storage.Log.GetHeadOffsetAsync(TenantB));
    }
}
