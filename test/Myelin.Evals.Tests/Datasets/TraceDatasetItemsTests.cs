using Myelin.Core;
using Myelin.Core.Log;

namespace Myelin.Evals.Datasets;

public sealed class TraceDatasetItemsTests
{
    private const string TraceId = "0123456789abcdef0123456789abcdef";

    [Fact]
    public void Input_and_output_messages_become_an_item()
    {
        string input = """[{"role":"system","parts":[{"type":"text","content":"Be brief."}]},{"role":"user","parts":[{"type":"text","content":"Capital of France?"}]}]""";
        string output = """[{"role":"assistant","parts":[{"type":"text","content":"Paris."}],"finish_reason":"stop"}]""";
        ExperienceRecord span = Span($$$"""{"traceId":"{{{TraceId}}}","spanId":"0000000000000001","startTime":"2024-01-01T00:00:00Z","endTime":"2024-01-01T00:00:01Z","attributes":{"gen_ai.request.model":"m1","gen_ai.input.messages":{{{Quote(input)}}},"gen_ai.output.messages":{{{Quote(output)}}}}}""");

        DatasetItem item = TraceDatasetItems.FromSpans(TraceId, [span]);

        Assert.Equal("trace-" + TraceId, item.Id);
        Assert.Equal("Capital of France?", item.Input);
        Assert.Equal("Paris.", item.ExpectedOutput);
        Assert.Equal(["Be brief."], item.Context);
        Assert.Equal("m1", item.Metadata["model"]);
        Assert.Equal("s-1", item.Metadata["sessionId"]);
    }

    [Fact]
    public void A_trace_without_captured_content_is_refused_with_a_reason()
    {
        ExperienceRecord span = Span($$$"""{"traceId":"{{{TraceId}}}","spanId":"0000000000000001","attributes":{"gen_ai.request.model":"m1"}}""");
        var e = Assert.Throws<MyelinValidationException>(() => TraceDatasetItems.FromSpans(TraceId, [span]));
        Assert.Contains("content capture is opt-in", e.Message, StringComparison.Ordinal);
    }

    private static string Quote(string json) => System.Text.Json.JsonSerializer.Serialize(json, Internal.EvalsTestJson.Default.String);

    private static ExperienceRecord Span(string payload) =>
        new(new TenantId("t"), 1, ExperienceKinds.Span, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, TraceId, "s-1", null, null, payload);
}
