using System.Text;
using Microsoft.Playwright;

namespace Myelin.EndToEnd;

/// <summary>A monitor flags an off-topic answer; the alerts page shows the rule firing and an annotator labels the trace in Chromium.</summary>
public sealed class MonitoringDashboardTests : IAsyncLifetime
{
    private DashboardHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _harness = await DashboardHarness.StartAsync("monitoring-admin-key-0123456789");
        using HttpClient client = _harness.Client();
        await PutAsync(client, "/api/monitors/online", """{"detectors":["drift"],"annotate":["drift"]}""");
        await PutAsync(client, "/api/alerts/rules/drift-rate", """{"kind":"finding_rate","target":"drift","threshold":0.2,"windowMinutes":60,"minCount":2}""");
        await SendAsync(client, TraceExplorerTests.Turn(0, "session-a"));
        await SendAsync(client, TraceExplorerTests.Turn(1, "session-a", "Bananas grow in tropical climates and are rich in potassium."));
        await SendAsync(client, TraceExplorerTests.Turn(2, "session-b"));
        (await client.PostAsync("/api/monitors/run", null)).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Alerts_show_the_firing_rule_and_an_annotator_claims_labels_and_submits()
    {
        IPage page = await _harness.SignedInPageAsync();

        await page.ClickAsync("nav >> text=Alerts");
        await page.WaitForSelectorAsync("[data-testid=alert-rules]");
        Assert.Equal("1", (await page.InnerTextAsync("[data-testid=firing] .value")).Trim());
        Assert.Equal("firing", await page.GetAttributeAsync("[data-testid=alert-rules] tbody tr [data-state]", "data-state"));
        string firedEvent = await page.InnerTextAsync("[data-testid=alert-events] tbody tr");
        Assert.Contains("drift-rate", firedEvent, StringComparison.Ordinal);
        Assert.Contains("firing", firedEvent, StringComparison.Ordinal);
        await DashboardHarness.SaveScreenshotAsync(page, "dashboard-alerts.png");

        await page.ClickAsync("nav >> text=Annotations");
        await page.WaitForSelectorAsync("[data-testid=annotations]");
        Assert.Equal("1 pending", (await page.InnerTextAsync("[data-testid=pending]")).Trim());
        Assert.Equal(0, await page.Locator("form.label-form").CountAsync());

        await page.ClickAsync("[data-testid=claim-next]");
        await page.WaitForSelectorAsync("form.label-form");
        Assert.Equal("0 pending", (await page.InnerTextAsync("[data-testid=pending]")).Trim());
        await page.SelectOptionAsync("form.label-form select[name=label]", "flagged");
        await page.FillAsync("form.label-form input[name=comment]", "answers about bananas");
        await page.ClickAsync("form.label-form button[type=submit]");
        await page.WaitForSelectorAsync("[data-testid=completed]");

        string completed = await page.InnerTextAsync("[data-testid=completed] tbody tr");
        Assert.Contains("flagged", completed, StringComparison.Ordinal);
        Assert.Contains("answers about bananas", completed, StringComparison.Ordinal);
        // One pair, both 'flagged': p_o = p_e = 1, so kappa is undefined rather than a made-up number.
        Assert.Equal("undefined", (await page.InnerTextAsync("[data-testid=kappa]")).Trim());
        await DashboardHarness.SaveScreenshotAsync(page, "dashboard-annotations.png");

        // Claiming from the empty queue leaves nothing to label.
        await page.ClickAsync("[data-testid=claim-next]");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.Equal(0, await page.Locator("form.label-form").CountAsync());

        // The trace page shows what the monitor found and the annotator's label, and takes a thumbs-down.
        await page.ClickAsync("[data-testid=completed] tbody tr a");
        await page.WaitForSelectorAsync("[data-testid=results]");
        string results = await page.InnerTextAsync("[data-testid=results]");
        Assert.Contains("drift", results, StringComparison.Ordinal);
        Assert.Contains("flagged", results, StringComparison.Ordinal);
        Assert.Equal(1, await page.Locator("[data-testid=feedback] tbody tr").CountAsync());
        await page.ClickAsync("[data-thumbs=down]");
        await page.WaitForFunctionAsync("document.querySelectorAll('[data-testid=feedback] tbody tr').length === 2");
        Assert.Contains("down", await page.InnerTextAsync("[data-testid=feedback] tbody tr:last-child"), StringComparison.Ordinal);
    }

    private static async Task PutAsync(HttpClient client, string url, string json)
    {
        using var body = new StringContent(json, Encoding.UTF8, "application/json");
        (await client.PutAsync(url, body)).EnsureSuccessStatusCode();
    }

    private static async Task SendAsync(HttpClient client, string otlpJson)
    {
        using var body = new StringContent(otlpJson, Encoding.UTF8, "application/json");
        (await client.PostAsync("/v1/traces", body)).EnsureSuccessStatusCode();
    }
}
