using Myelin.Core;
using Myelin.Core.Log;
using Myelin.Core.Storage;

namespace Myelin.Conformance;

/// <summary>Redaction: content goes, offsets and metadata stay, other tenants and records are untouched.</summary>
public abstract class LogRedactionConformance : StorageConformanceBase
{
    [Fact]
    public async Task Redact_ReplacesPayloadsAndKeepsOffsetsKindsAndIds()
    {
        IMyelinStorage storage = await NewStorageAsync();
        await storage.Log.AppendAsync(
            TenantA,
            [
                Record(ExperienceKinds.Turn, """{"text":"my card is 4111"}""", sessionId: "s-1", key: "k-1"),
                Record(ExperienceKinds.Turn, """{"text":"keep me"}""", sessionId: "s-1"),
                Record(ExperienceKinds.Turn, """{"text":"and my address"}""", traceId: "t-3"),
            ]);

        long changed = await storage.Log.RedactAsync(TenantA, [3, 1, 3, 99], "memory.forget_user");

        Assert.Equal(2, changed);
        IReadOnlyList<ExperienceRecord> records = await storage.Log.QueryAsync(TenantA, All);
        Assert.Equal([1L, 2, 3], records.Select(r => r.Offset));
        Assert.Equal(LogRedaction.Payload("memory.forget_user"), records[0].PayloadJson);
        Assert.True(LogRedaction.IsRedacted(records[0].PayloadJson));
        Assert.Equal("""{"text":"keep me"}""", records[1].PayloadJson);
        Assert.False(LogRedaction.IsRedacted(records[1].PayloadJson));
        Assert.True(LogRedaction.IsRedacted(records[2].PayloadJson));
        Assert.Equal(ExperienceKinds.Turn, records[0].Kind);
        Assert.Equal("s-1", records[0].SessionId);
        Assert.Equal("k-1", records[0].IdempotencyKey);
        Assert.Equal("t-3", records[2].TraceId);
        Assert.Equal(3, await storage.Log.GetHeadOffsetAsync(TenantA));
    }

    [Fact]
    public async Task Redact_NeverTouchesAnotherTenantsRecordsAtTheSameOffsets()
    {
        IMyelinStorage storage = await NewStorageAsync();
        await storage.Log.AppendAsync(TenantA, Records(2));
        await storage.Log.AppendAsync(TenantB, Records(2));

        Assert.Equal(2, await storage.Log.RedactAsync(TenantA, [1, 2], "test"));

        IReadOnlyList<ExperienceRecord> b = await storage.Log.QueryAsync(TenantB, All);
        Assert.All(b, r => Assert.False(LogRedaction.IsRedacted(r.PayloadJson)));
        Assert.Equal(0, await storage.Log.RedactAsync(new TenantId("nobody"), [1], "test"));
    }

    [Fact]
    public async Task Redact_AppendsAfterwardContinueTheOffsets()
    {
        IMyelinStorage storage = await NewStorageAsync();
        await storage.Log.AppendAsync(TenantA, Records(3));
        await storage.Log.RedactAsync(TenantA, [1, 2, 3], "test");

        IReadOnlyList<AppendResult> next = await storage.Log.AppendAsync(TenantA, Records(1));

        Assert.Equal(4, next[0].Offset);
    }

    [Theory]
    [InlineData(0L, "reason")]
    [InlineData(-5L, "reason")]
    [InlineData(1L, "")]
    [InlineData(1L, "   ")]
    public async Task Redact_RejectsBadRequestsAndChangesNothing(long offset, string reason)
    {
        IMyelinStorage storage = await NewStorageAsync();
        await storage.Log.AppendAsync(TenantA, Records(2));

        await Assert.ThrowsAsync<MyelinValidationException>(() => storage.Log.RedactAsync(TenantA, [2, offset], reason));
        await Assert.ThrowsAsync<MyelinValidationException>(
            () => storage.Log.RedactAsync(TenantA, [1], new string('r', LogRedaction.MaxReasonLength + 1)));
        await Assert.ThrowsAsync<MyelinValidationException>(
            () => storage.Log.RedactAsync(TenantA, [.. Enumerable.Range(1, LogRedaction.MaxOffsets + 1).Select(i => (long)i)], "r"));

        Assert.All(await storage.Log.QueryAsync(TenantA, All), r => Assert.False(LogRedaction.IsRedacted(r.PayloadJson)));
    }
}
