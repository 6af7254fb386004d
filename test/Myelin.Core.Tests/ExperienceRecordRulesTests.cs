using Myelin.Core.Log;

namespace Myelin.Core;

public sealed class ExperienceRecordRulesTests
{
    private static NewExperienceRecord Valid => new(ExperienceKinds.Span, """{"a":1}""");

    private static string CodeOf(params NewExperienceRecord[] records) =>
        Assert.Throws<MyelinValidationException>(() => ExperienceRecordRules.Validate(records)).Code;

    [Fact]
    public void ValidBatch_Passes()
    {
        ExperienceRecordRules.Validate([Valid, Valid with { TraceId = new string('t', 128), PayloadJson = "[]" }, Valid with { PayloadJson = "42" }]);
    }

    [Fact]
    public void EmptyAndOversizedBatches_AreRejected()
    {
        Assert.Equal("empty_batch", CodeOf());
        Assert.Equal("batch_too_large", CodeOf([.. Enumerable.Repeat(Valid, ExperienceRecordRules.MaxBatchSize + 1)]));
        Assert.Throws<ArgumentNullException>(() => ExperienceRecordRules.Validate(null!));
    }

    [Fact]
    public void BadRecords_AreRejectedWithTheirIndex()
    {
        MyelinValidationException error = Assert.Throws<MyelinValidationException>(
            () => ExperienceRecordRules.Validate([Valid, Valid with { Kind = "nope" }]));

        Assert.Equal("invalid_kind", error.Code);
        Assert.Contains("[1]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EachFieldIsChecked()
    {
        Assert.Equal("invalid_record", CodeOf(Valid, null!));
        Assert.Equal("invalid_id", CodeOf(Valid with { TraceId = "" }));
        Assert.Equal("invalid_id", CodeOf(Valid with { SessionId = new string('s', 129) }));
        Assert.Equal("invalid_id", CodeOf(Valid with { EpisodeId = "a\u0001b" }));
        Assert.Equal("invalid_id", CodeOf(Valid with { IdempotencyKey = "line\nbreak" }));
        Assert.Equal("invalid_payload", CodeOf(Valid with { PayloadJson = null! }));
        Assert.Equal("invalid_payload", CodeOf(Valid with { PayloadJson = "{" }));
        Assert.Equal("invalid_payload", CodeOf(Valid with { PayloadJson = "" }));
        Assert.Equal("invalid_payload", CodeOf(Valid with { PayloadJson = "1 2" }));
        Assert.Equal("invalid_payload", CodeOf(Valid with { PayloadJson = "{\"a\":1} x" }));
        Assert.Equal("invalid_payload", CodeOf(Valid with { PayloadJson = "[" + new string('x', 2000) }));
        Assert.Equal("invalid_payload", CodeOf(Valid with { PayloadJson = new string('[', 100) + new string(']', 100) }));
        Assert.Equal("payload_too_large", CodeOf(Valid with { PayloadJson = "\"" + new string('p', ExperienceRecordRules.MaxPayloadBytes) + "\"" }));
    }
}
