using System.Globalization;
using System.Text;
using Microsoft.Playwright;

namespace Myelin.EndToEnd;

/// <summary>Sends GenAI spans over OTLP/HTTP like any OpenTelemetry SDK would, then reads them in the dashboard in Chromium.</summary>
public sealed class TraceExplorerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset s_start = new(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);
    private DashboardHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _harness = await DashboardHarness.StartAsync("trace-explorer-admin-key-0123456789");
        using HttpClient client = _harness.Client();
        for (int turn = 0; turn < 3; turn++)
        {
            string session = turn < 2 ? "session-a" : "session-b";
            using var body = new StringContent(Turn(turn, session), Encoding.UTF8, "application/json");
            (await client.PostAsync("/v1/traces", body)).EnsureSuccessStatusCode();
        }
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Traces_list_filter_tree_and_session_view_show_what_happened()
    {
        string baseUrl = _harness.BaseUrl;
        IPage page = await _harness.SignedInPageAsync();

        await page.ClickAsync("nav >> text=Traces");
        await page.WaitForSelectorAsync("[data-testid=traces]");
        Assert.Equal(3, await page.Locator("[data-testid=traces] tbody tr").CountAsync());
        string newest = await page.InnerTextAsync("[data-testid=traces] tbody tr:first-child");
        Assert.Contains("invoke_agent planner", newest, StringComparison.Ordinal);
        Assert.Contains("session-b", newest, StringComparison.Ordinal);

        // Filter by session.
        await page.FillAsync("input[name=sessionId]", "session-a");
        await page.ClickAsync("button.primary");
        await page.WaitForSelectorAsync("[data-testid=traces]");
        Assert.Equal(2, await page.Locator("[data-testid=traces] tbody tr").CountAsync());

        // One trace: the tree with tokens, cost, the failed tool call, and the captured conversation.
        await page.ClickAsync("[data-testid=traces] tbody tr:first-child td:nth-child(2) a");
        await page.WaitForSelectorAsync("[data-testid=spans]");
        Assert.Equal(3, await page.Locator("[data-testid=spans] > tbody > tr").CountAsync());
        Assert.Equal("120 / 30", (await page.InnerTextAsync("[data-testid=tokens] .value")).Trim());
        Assert.Equal("1", (await page.InnerTextAsync("[data-testid=errors] .value")).Trim());
        await page.ClickAsync("[data-testid=spans] summary:has-text('chat gpt-test')");
        Assert.Contains("What is the weather in turn 1?", await page.InnerTextAsync("[data-testid=input]"), StringComparison.Ordinal);
        Assert.Contains("Sunny in turn 1.", await page.InnerTextAsync("[data-testid=output]"), StringComparison.Ordinal);
        await DashboardHarness.SaveScreenshotAsync(page, "dashboard-trace.png");

        // The session view shows both turns in order.
        await page.GotoAsync(baseUrl + "/sessions/session-a");
        Assert.Equal(2, await page.Locator("[data-testid=turns] > li").CountAsync());
        string conversation = await page.InnerTextAsync("[data-testid=turns]");
        Assert.True(
            conversation.IndexOf("turn 0", StringComparison.Ordinal) < conversation.IndexOf("turn 1", StringComparison.Ordinal),
            "turns must be in chronological order");

        // Bad input is explained on the page.
        await page.GotoAsync(baseUrl + "/traces/not-a-trace-id");
        Assert.Contains("is not a trace id", await page.InnerTextAsync("[role=alert]"), StringComparison.Ordinal);
        await page.GotoAsync(baseUrl + "/traces?limit=0");
        Assert.Contains("'limit' must be between", await page.InnerTextAsync("[role=alert]"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Traces_filter_by_finding_and_score_after_a_monitor_ran()
    {
        using HttpClient client = _harness.Client();
        using (var body = new StringContent(Turn(3, "session-a", "Bananas grow in tropical climates and are rich in potassium."), Encoding.UTF8, "application/json"))
        {
            (await client.PostAsync("/v1/traces", body)).EnsureSuccessStatusCode();
        }

        using (var monitor = new StringContent("""{"detectors":["drift"],"evaluators":["answer_relevance"]}""", Encoding.UTF8, "application/json"))
        {
            (await client.PutAsync("/api/monitors/online", monitor)).EnsureSuccessStatusCode();
        }

        (await client.PostAsync("/api/monitors/run", null)).EnsureSuccessStatusCode();
        IPage page = await _harness.SignedInPageAsync();
        await page.ClickAsync("nav >> text=Traces");
        await page.WaitForSelectorAsync("[data-testid=traces]");
        Assert.Equal(4, await page.Locator("[data-testid=traces] tbody tr").CountAsync());

        // Only the off-topic answer is flagged for drift.
        await page.FillAsync("input[name=finding]", "drift");
        await page.ClickAsync("button.primary");
        await page.WaitForSelectorAsync("[data-testid=traces]");
        Assert.Equal(1, await page.Locator("[data-testid=traces] tbody tr").CountAsync());
        Assert.Contains("session-a", await page.InnerTextAsync("[data-testid=traces] tbody tr"), StringComparison.Ordinal);
        Assert.Contains("/traces/" + 4.ToString("x32", CultureInfo.InvariantCulture), await page.InnerHTMLAsync("[data-testid=traces] tbody tr"), StringComparison.Ordinal);

        // Score range on a metric: the off-topic answer mentions none of the question's words; the others mention most.
        await page.GotoAsync(_harness.BaseUrl + "/traces");
        await page.FillAsync("input[name=scoreName]", "answer_relevance");
        await page.FillAsync("input[name=scoreMax]", "0.2");
        await page.ClickAsync("button.primary");
        await page.WaitForSelectorAsync("[data-testid=traces]");
        Assert.Equal(1, await page.Locator("[data-testid=traces] tbody tr").CountAsync());
        await page.FillAsync("input[name=scoreMax]", "");
        await page.FillAsync("input[name=scoreMin]", "0.5");
        await page.ClickAsync("button.primary");
        await page.WaitForSelectorAsync("[data-testid=traces]");
        Assert.Equal(3, await page.Locator("[data-testid=traces] tbody tr").CountAsync());
        await DashboardHarness.SaveScreenshotAsync(page, "dashboard-traces-score-filter.png");

        // A bound without a metric is explained.
        await page.GotoAsync(_harness.BaseUrl + "/traces?scoreMin=0.5");
        Assert.Contains("Name the score metric", await page.InnerTextAsync("[role=alert]"), StringComparison.Ordinal);
    }

    /// <summary>One agent turn as OTLP JSON: invoke_agent → chat (tokens, content) and a failed execute_tool.</summary>
    internal static string Turn(int turn, string session, string? answer = null)
    {
        string traceId = (turn + 1).ToString("x32", CultureInfo.InvariantCulture);
        string Span(int n) => ((turn * 10) + n + 1).ToString("x16", CultureInfo.InvariantCulture);
        string Nanos(double ms) => ((s_start.AddMinutes(turn).ToUnixTimeMilliseconds() * 1_000_000L) + (long)(ms * 1_000_000)).ToString(CultureInfo.InvariantCulture);
        string input = $$$"""[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"What is the weather in turn {{{turn}}}?\"}]}]""";
        string reply = answer ?? string.Create(CultureInfo.InvariantCulture, $"Sunny in turn {turn}.");
        string output = $$$"""[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"{{{reply}}}\"}]}]""";
        return $$$"""
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"agent-app"}}]},
              "scopeSpans":[{"scope":{"name":"e2e"},"spans":[
                {"traceId":"{{{traceId}}}","spanId":"{{{Span(0)}}}","name":"invoke_agent planner","kind":1,
                 "startTimeUnixNano":"{{{Nanos(0)}}}","endTimeUnixNano":"{{{Nanos(900)}}}",
                 "attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"invoke_agent"}},
                               {"key":"gen_ai.conversation.id","value":{"stringValue":"{{{session}}}"}},
                               {"key":"user.id","value":{"stringValue":"user-7"}}]},
                {"traceId":"{{{traceId}}}","spanId":"{{{Span(1)}}}","parentSpanId":"{{{Span(0)}}}","name":"chat gpt-test","kind":3,
                 "startTimeUnixNano":"{{{Nanos(50)}}}","endTimeUnixNano":"{{{Nanos(600)}}}",
                 "attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},
                               {"key":"gen_ai.request.model","value":{"stringValue":"gpt-test"}},
                               {"key":"gen_ai.conversation.id","value":{"stringValue":"{{{session}}}"}},
                               {"key":"gen_ai.usage.input_tokens","value":{"intValue":"120"}},
                               {"key":"gen_ai.usage.output_tokens","value":{"intValue":"30"}},
                               {"key":"gen_ai.input.messages","value":{"stringValue":"{{{input}}}"}},
                               {"key":"gen_ai.output.messages","value":{"stringValue":"{{{output}}}"}}]},
                {"traceId":"{{{traceId}}}","spanId":"{{{Span(2)}}}","parentSpanId":"{{{Span(0)}}}","name":"execute_tool weather","kind":1,
                 "startTimeUnixNano":"{{{Nanos(610)}}}","endTimeUnixNano":"{{{Nanos(880)}}}",
                 "attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"execute_tool"}},
                               {"key":"gen_ai.tool.name","value":{"stringValue":"weather"}}],
                 "status":{"code":2,"message":"timeout"}}
              ]}]}]}
            """;
    }
}
