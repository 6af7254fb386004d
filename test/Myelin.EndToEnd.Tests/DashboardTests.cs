using System.Text;
using Microsoft.Playwright;
using Myelin.Server;

namespace Myelin.EndToEnd;

/// <summary>Drives the dashboard in real headless Chromium and checks what a person would see.</summary>
public sealed class DashboardTests : IAsyncLifetime
{
    private DashboardHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _harness = await DashboardHarness.StartAsync("dashboard-admin-key-0123456789");
        using HttpClient client = _harness.Client();
        var records = new StringBuilder("[");
        for (int i = 0; i < 60; i++)
        {
            string kind = i % 3 == 0 ? "span" : "turn";
            records.Append(i == 0 ? string.Empty : ",")
                .Append($$$"""{"kind":"{{{kind}}}","sessionId":"session-{{{i % 4}}}","traceId":"trace-{{{i}}}","timestamp":"2026-03-01T10:{{{i:D2}}}:00Z","payload":{"n":{{{i}}},"text":"message {{{i}}}"}}""");
        }

        records.Append(']');
        (await client.PostAsync("/api/log", new StringContent(records.ToString(), Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Sign_in_shows_status_and_log_explorer_filters_and_pages()
    {
        string baseUrl = _harness.BaseUrl;
        IPage page = await _harness.Browser.NewPageAsync();
        await page.GotoAsync(baseUrl + "/");
        Assert.EndsWith("/login", page.Url, StringComparison.Ordinal);

        // A wrong key is refused with a visible message.
        await page.FillAsync("#key", "not-a-valid-key-at-all");
        await page.ClickAsync("button[type=submit]");
        Assert.Contains("malformed, unknown or revoked", await page.InnerTextAsync("[role=alert]"), StringComparison.Ordinal);

        await page.FillAsync("#key", _harness.AdminKey);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("[data-testid=version]");
        Assert.Equal("sqlite", (await page.InnerTextAsync("[data-testid=storage] .value")).Trim());
        Assert.Equal("60", (await page.InnerTextAsync("[data-testid=log-records] .value")).Trim());
        Assert.Contains(ServerInfo.Version, await page.InnerTextAsync("[data-testid=version] .value"), StringComparison.Ordinal);
        await DashboardHarness.SaveScreenshotAsync(page, "dashboard-status.png");

        await page.ClickAsync("nav >> text=Log");
        await page.WaitForSelectorAsync("[data-testid=records]");
        Assert.Equal("60 matching records", await page.InnerTextAsync("[data-testid=matching]"));
        Assert.Equal(50, await page.Locator("[data-testid=records] tbody tr").CountAsync());
        Assert.Contains("message 59", await page.InnerTextAsync("[data-testid=records] tbody tr:first-child"), StringComparison.Ordinal);

        // Paging to older records shows the rest, oldest last.
        await page.ClickAsync("[data-testid=older]");
        await page.WaitForSelectorAsync("[data-testid=records]");
        Assert.Equal(10, await page.Locator("[data-testid=records] tbody tr").CountAsync());
        Assert.Contains("message 0", await page.InnerTextAsync("[data-testid=records] tbody tr:last-child"), StringComparison.Ordinal);

        // Filtering by kind and time narrows the table.
        await page.GotoAsync(baseUrl + "/log");
        await page.SelectOptionAsync("select[name=kind]", "span");
        await page.FillAsync("input[name=from]", "2026-03-01T10:30");
        await page.ClickAsync("button.primary");
        await page.WaitForSelectorAsync("[data-testid=records]");
        Assert.Equal("10 matching records", await page.InnerTextAsync("[data-testid=matching]"));
        foreach (string kind in await page.Locator("[data-testid=records] .kind").AllInnerTextsAsync())
        {
            Assert.Equal("span", kind);
        }

        await DashboardHarness.SaveScreenshotAsync(page, "dashboard-log.png");

        // Clicking a session id shows only that session.
        await page.GotoAsync(baseUrl + "/log");
        await page.ClickAsync("[data-testid=records] a:text('session-2')");
        await page.WaitForSelectorAsync("[data-testid=records]");
        Assert.Equal("15 matching records", await page.InnerTextAsync("[data-testid=matching]"));

        // A bad filter is explained on the page, not a crash.
        await page.GotoAsync(baseUrl + "/log?limit=0");
        Assert.Contains("'limit' must be between", await page.InnerTextAsync("[role=alert]"), StringComparison.Ordinal);

        // Signing out returns to the sign-in page.
        await page.ClickAsync("header button");
        await page.WaitForURLAsync("**/login");
    }
}
