using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Myelin.EndToEnd;

/// <summary>Browses a tenant's memories in the dashboard in Chromium: users, items by kind and state, one item's history.</summary>
public sealed class MemoryDashboardTests : IAsyncLifetime
{
    private DashboardHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _harness = await DashboardHarness.StartAsync("memory-dashboard-admin-key-0123456789");
        using HttpClient client = _harness.Client();
        (await client.PostAsJsonAsync("/api/memory/turns", new
        {
            turns = new object[]
            {
                new { userId = "ana", role = "user", sessionId = "s1", text = "I live in Lisbon and I love fado.", timestamp = "2025-01-10T10:00:00Z" },
                new { userId = "bo", role = "user", sessionId = "s9", text = "My favourite colour is teal.", timestamp = "2025-01-11T10:00:00Z" },
            },
        })).EnsureSuccessStatusCode();
        (await client.PostAsJsonAsync("/api/memory/turns", new
        {
            turns = new[] { new { userId = "ana", role = "user", sessionId = "s2", text = "Big news: I moved to Porto.", timestamp = "2025-03-01T09:00:00Z" } },
        })).EnsureSuccessStatusCode();

        // Extraction runs in the background: wait until the move has replaced the old home.
        for (int i = 0; i < 400; i++)
        {
            using JsonDocument items = JsonDocument.Parse(await client.GetStringAsync("/api/memory/users/ana/items?kind=fact&state=superseded"));
            if (items.RootElement.GetProperty("items").GetArrayLength() > 0)
            {
                return;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException("The move to Porto never superseded the Lisbon fact.");
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Pick_a_user_filter_by_kind_and_state_and_open_an_items_history()
    {
        string baseUrl = _harness.BaseUrl;
        IPage page = await _harness.SignedInPageAsync();

        await page.ClickAsync("nav >> text=Memory");
        await page.WaitForSelectorAsync("[data-testid=users]");
        Assert.Equal(["ana", "bo"], (await page.Locator("[data-testid=users] tbody td:first-child").AllInnerTextsAsync()).Order(StringComparer.Ordinal));

        await page.ClickAsync("[data-testid=users] a:text('ana')");
        await page.WaitForSelectorAsync("[data-testid=items]");
        string all = await page.InnerTextAsync("[data-testid=items]");
        Assert.Contains("Big news: I moved to Porto.", all, StringComparison.Ordinal);
        Assert.DoesNotContain("teal", all, StringComparison.Ordinal);

        await page.SelectOptionAsync("select[name=kind]", "fact");
        await page.SelectOptionAsync("select[name=state]", "current");
        await page.ClickAsync("button.primary");
        await page.WaitForSelectorAsync("[data-testid=items]");
        string current = await page.InnerTextAsync("[data-testid=items] tbody");
        Assert.Contains("Porto", current, StringComparison.Ordinal);
        Assert.DoesNotContain("Lisbon", current, StringComparison.Ordinal);

        await page.SelectOptionAsync("select[name=state]", "superseded");
        await page.ClickAsync("button.primary");
        await page.WaitForSelectorAsync("[data-testid=items]");
        Assert.Equal(1, await page.Locator("[data-testid=items] tbody tr").CountAsync());
        Assert.Contains("Lisbon", await page.InnerTextAsync("[data-testid=items] tbody"), StringComparison.Ordinal);
        await DashboardHarness.SaveScreenshotAsync(page, "dashboard-memory.png");

        // The superseded fact: both time axes, its versions, its history and its source turn in the log.
        await page.ClickAsync("[data-testid=items] tbody tr:first-child a");
        await page.WaitForSelectorAsync("[data-testid=history]");
        Assert.Contains("2025-01-10 10:00:00", await page.InnerTextAsync("[data-testid=valid-from]"), StringComparison.Ordinal);
        Assert.Contains("2025-03-01 09:00:00", await page.InnerTextAsync("[data-testid=valid-to]"), StringComparison.Ordinal);
        Assert.DoesNotContain("\u2014", await page.InnerTextAsync("[data-testid=recorded-at]"), StringComparison.Ordinal);
        string[] versions = [.. await page.Locator("[data-testid=chain] li").AllInnerTextsAsync()];
        Assert.Equal(2, versions.Length);
        Assert.Contains("Lisbon", versions[0], StringComparison.Ordinal);
        Assert.Contains("Porto", versions[1], StringComparison.Ordinal);
        Assert.Equal(["added", "invalidated"], await page.Locator("[data-testid=history] .kind").AllInnerTextsAsync());
        await DashboardHarness.SaveScreenshotAsync(page, "dashboard-memory-item.png");

        await page.ClickAsync("[data-testid=provenance] a");
        await page.WaitForSelectorAsync("[data-testid=records]");
        Assert.Equal(1, await page.Locator("[data-testid=records] tbody tr").CountAsync());
        Assert.Contains("I live in Lisbon", await page.InnerTextAsync("[data-testid=records]"), StringComparison.Ordinal);

        // The newer version links back from the chain.
        await page.GoBackAsync();
        await page.ClickAsync("[data-testid=chain] a");
        await page.WaitForSelectorAsync("[data-testid=history]");
        Assert.Contains("current", await page.InnerTextAsync("[data-testid=fields]"), StringComparison.Ordinal);

        // Bad input is explained on the page.
        await page.GotoAsync(baseUrl + "/dashboard/memory?user=ana&kind=gossip");
        Assert.Contains("Kind 'gossip' is invalid", await page.InnerTextAsync("[role=alert]"), StringComparison.Ordinal);
        await page.GotoAsync(baseUrl + "/dashboard/memory/items/mem_nope");
        Assert.Contains("does not exist in this tenant", await page.InnerTextAsync("[role=alert]"), StringComparison.Ordinal);
    }
}
