using Myelin.Core;
using Myelin.Core.Log;
using Myelin.Core.Storage;

namespace Myelin.Conformance;

/// <summary>Reads: every <see cref="LogQuery"/> filter, ordering, paging and counting.</summary>
public abstract class LogQueryConformance : StorageConformanceBase
{
    private static readonly DateTimeOffset s_start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] s_kinds = [ExperienceKinds.Span, ExperienceKinds.Turn, ExperienceKinds.Step, "x.custom"];

    /// <summary>20 records: offset n has kind s_kinds[(n-1)%4], time start+(n-1)s, trace t{(n-1)%2}, session s{(n-1)%3}, episode e{(n-1)/5}.</summary>
    private async Task<IMyelinStorage> SeededAsync()
    {
        IMyelinStorage storage = await NewStorageAsync();
        NewExperienceRecord[] records = [.. Enumerable.Range(0, 20).Select(i => Record(
            s_kinds[i % 4], $$"""{"i":{{i}}}""", s_start.AddSeconds(i), $"t{i % 2}", $"s{i % 3}", $"e{i / 5}"))];
        await storage.Log.AppendAsync(TenantA, records);
        await storage.Log.AppendAsync(TenantB, records);
        return storage;
    }

    private static async Task AssertOffsetsAsync(IMyelinStorage storage, LogQuery query, IEnumerable<int> expected)
    {
        long[] want = [.. expected.Select(i => (long)i)];
        IReadOnlyList<ExperienceRecord> got = await storage.Log.QueryAsync(TenantA, query);
        Assert.Equal(want, got.Select(r => r.Offset));
        Assert.All(got, r => Assert.Equal(TenantA, r.Tenant));
        Assert.Equal(want.Length, await storage.Log.CountAsync(TenantA, query with { Limit = 1 }));
    }

    [Fact]
    public async Task AfterAndBeforeOffset_Bound()
    {
        IMyelinStorage storage = await SeededAsync();

        await AssertOffsetsAsync(storage, All with { AfterOffset = 15 }, [16, 17, 18, 19, 20]);
        await AssertOffsetsAsync(storage, All with { BeforeOffset = 4 }, [1, 2, 3]);
        await AssertOffsetsAsync(storage, All with { AfterOffset = 5, BeforeOffset = 8 }, [6, 7]);
        await AssertOffsetsAsync(storage, All with { AfterOffset = 20 }, []);
    }

    [Fact]
    public async Task Kinds_FilterToTheListedKinds()
    {
        IMyelinStorage storage = await SeededAsync();

        await AssertOffsetsAsync(storage, All with { Kinds = [ExperienceKinds.Turn] }, [2, 6, 10, 14, 18]);
        await AssertOffsetsAsync(storage, All with { Kinds = ["x.custom", ExperienceKinds.Span] }, [1, 4, 5, 8, 9, 12, 13, 16, 17, 20]);
        await AssertOffsetsAsync(storage, All with { Kinds = [ExperienceKinds.Feedback] }, []);
    }

    [Fact]
    public async Task TimeRange_IsInclusiveExclusive()
    {
        IMyelinStorage storage = await SeededAsync();

        await AssertOffsetsAsync(storage, All with { From = s_start.AddSeconds(3), To = s_start.AddSeconds(6) }, [4, 5, 6]);
        await AssertOffsetsAsync(storage, All with { From = s_start.AddSeconds(18) }, [19, 20]);
        await AssertOffsetsAsync(storage, All with { To = s_start.AddSeconds(2) }, [1, 2]);
        await AssertOffsetsAsync(storage, All with { From = s_start.AddSeconds(4), To = s_start.AddSeconds(4) }, []);
        await AssertOffsetsAsync(
            storage, All with { From = s_start.AddSeconds(3).ToOffset(TimeSpan.FromHours(5)), To = s_start.AddSeconds(5) }, [4, 5]);
    }

    [Fact]
    public async Task TraceSessionAndEpisode_FilterByEquality()
    {
        IMyelinStorage storage = await SeededAsync();

        await AssertOffsetsAsync(storage, All with { TraceId = "t1" }, [2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
        await AssertOffsetsAsync(storage, All with { SessionId = "s2" }, [3, 6, 9, 12, 15, 18]);
        await AssertOffsetsAsync(storage, All with { EpisodeId = "e3" }, [16, 17, 18, 19, 20]);
        await AssertOffsetsAsync(storage, All with { TraceId = "nope" }, []);
    }

    [Fact]
    public async Task Filters_CombineWithAnd()
    {
        IMyelinStorage storage = await SeededAsync();

        await AssertOffsetsAsync(
            storage,
            All with { TraceId = "t1", SessionId = "s0", Kinds = [ExperienceKinds.Turn, ExperienceKinds.Span, "x.custom"], AfterOffset = 3 },
            [4, 10, 16]);
        await AssertOffsetsAsync(storage, All with { EpisodeId = "e1", From = s_start.AddSeconds(6), BeforeOffset = 10 }, [7, 8, 9]);
    }

    [Fact]
    public async Task Descending_PagesNewestFirstWithBeforeOffset()
    {
        IMyelinStorage storage = await SeededAsync();
        var seen = new List<long>();
        long? before = null;

        while (true)
        {
            IReadOnlyList<ExperienceRecord> page = await storage.Log.QueryAsync(
                TenantA, new LogQuery { Descending = true, Limit = 6, BeforeOffset = before });
            if (page.Count == 0)
            {
                break;
            }

            seen.AddRange(page.Select(r => r.Offset));
            before = page[^1].Offset;
        }

        Assert.Equal(Enumerable.Range(1, 20).Reverse().Select(i => (long)i), seen);
        await AssertOffsetsAsync(storage, All with { Descending = true, Kinds = [ExperienceKinds.Step], AfterOffset = 10 }, [19, 15, 11]);
    }

    [Fact]
    public async Task Ascending_PagesWithAfterOffsetAndLimit()
    {
        IMyelinStorage storage = await SeededAsync();
        var seen = new List<long>();
        long after = 0;

        while (true)
        {
            IReadOnlyList<ExperienceRecord> page = await storage.Log.QueryAsync(TenantA, new LogQuery { AfterOffset = after, Limit = 7 });
            Assert.True(page.Count <= 7);
            if (page.Count == 0)
            {
                break;
            }

            seen.AddRange(page.Select(r => r.Offset));
            after = page[^1].Offset;
        }

        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), seen);
    }

    [Fact]
    public async Task Count_IgnoresLimit()
    {
        IMyelinStorage storage = await SeededAsync();

        Assert.Equal(20, await storage.Log.CountAsync(TenantA, new LogQuery { Limit = 1 }));
        Assert.Equal(5, await storage.Log.CountAsync(TenantA, new LogQuery { Limit = 1, Kinds = [ExperienceKinds.Step] }));
        Assert.Equal(0, await storage.Log.CountAsync(new TenantId("empty"), new LogQuery()));
    }

    [Fact]
    public async Task MalformedQueries_AreRejected()
    {
        IMyelinStorage storage = await SeededAsync();

        LogQuery[] bad =
        [
            new() { Limit = 0 },
            new() { Limit = LogQuery.MaxLimit + 1 },
            new() { AfterOffset = -1 },
            new() { BeforeOffset = 0 },
            new() { Kinds = ["nope"] },
            new() { From = s_start.AddSeconds(1), To = s_start },
        ];
        foreach (LogQuery query in bad)
        {
            await Assert.ThrowsAsync<MyelinValidationException>(() => storage.Log.QueryAsync(TenantA, query));
            await Assert.ThrowsAsync<MyelinValidationException>(() => storage.Log.CountAsync(TenantA, query));
        }

        await Assert.ThrowsAsync<MyelinValidationException>(() => storage.Log.QueryAsync(default, new LogQuery()));
    }
}
