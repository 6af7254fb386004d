using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Myelin.Server;

/// <summary>Sends single chat spans with captured conversations over OTLP/HTTP JSON, as an OpenTelemetry SDK would.</summary>
internal static class OtlpTurns
{
    private static readonly DateTimeOffset s_start = new(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);

    public static string TraceId(int n) => n.ToString("x32", CultureInfo.InvariantCulture);

    public static async Task SendAsync(HttpClient client, int trace, string? session, string user, string assistant)
    {
        using var body = new StringContent(Json(trace, session, user, assistant), Encoding.UTF8);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        (await client.PostAsync("/v1/traces", body)).EnsureSuccessStatusCode();
    }

    /// <summary>The Eiffel session whose second answer drifts to bananas, and one standalone answer.</summary>
    public static async Task SendStandardAsync(HttpClient client)
    {
        await SendAsync(client, 1, "s-1", "Tell me about the Eiffel Tower.", "The Eiffel Tower is an iron tower in Paris.");
        await SendAsync(client, 2, "s-1", "How tall is it?", "Bananas grow in tropical climates and are rich in potassium.");
        await SendAsync(client, 3, null, "What is the capital of France?", "Paris is the capital of France.");
    }

    private static string Json(int trace, string? session, string user, string assistant)
    {
        string nanos = ((s_start.AddMinutes(trace).ToUnixTimeMilliseconds() * 1_000_000L) + 1).ToString(CultureInfo.InvariantCulture);
        string input = $$$"""[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"{{{user}}}\"}]}]""";
        string output = $$$"""[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"{{{assistant}}}\"}]}]""";
        string sessionAttribute = session is null ? string.Empty : $$$""",{"key":"gen_ai.conversation.id","value":{"stringValue":"{{{session}}}"}}""";
        return $$$"""
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"agent-app"}}]},
              "scopeSpans":[{"scope":{"name":"test"},"spans":[
                {"traceId":"{{{TraceId(trace)}}}","spanId":"{{{trace.ToString("x16", CultureInfo.InvariantCulture)}}}","name":"chat gpt-test","kind":3,
                 "startTimeUnixNano":"{{{nanos}}}","endTimeUnixNano":"{{{nanos}}}",
                 "attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},
                               {"key":"gen_ai.request.model","value":{"stringValue":"gpt-test"}},
                               {"key":"gen_ai.input.messages","value":{"stringValue":"{{{input}}}"}},
                               {"key":"gen_ai.output.messages","value":{"stringValue":"{{{output}}}"}}{{{sessionAttribute}}}]}
              ]}]}]}
            """;
    }
}
