using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Myelin.Hosting;
using Myelin.Server;
using Myelin.TestUtilities;

namespace Myelin.EndToEnd;

/// <summary>A real server on a loopback port with its own data directory, plus headless Chromium to look at its pages.</summary>
internal sealed class DashboardHarness : IAsyncDisposable
{
    private readonly TempDirectory _data;
    private readonly WebApplication _app;
    private readonly IPlaywright _playwright;

    private DashboardHarness(TempDirectory data, WebApplication app, IPlaywright playwright, IBrowser browser, string adminKey)
    {
        _data = data;
        _app = app;
        _playwright = playwright;
        Browser = browser;
        AdminKey = adminKey;
        BaseUrl = app.Urls.First();
    }

    public IBrowser Browser { get; }

    public string BaseUrl { get; }

    public string AdminKey { get; }

    public static async Task<DashboardHarness> StartAsync(string adminKey)
    {
        var data = new TempDirectory("myelin-dashboard");
        WebApplication app = await MyelinServerHost.BuildAsync(
            new MyelinOptions { DataDirectory = data.Path, AdminKey = adminKey }, ["http://127.0.0.1:0"], configure: b => b.Logging.ClearProviders());
        await app.StartAsync();
        (IPlaywright playwright, IBrowser browser) = await EndToEnd.Browser.LaunchAsync();
        return new DashboardHarness(data, app, playwright, browser, adminKey);
    }

    /// <summary>An HTTP client authenticated with the admin key.</summary>
    public HttpClient Client()
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        return client;
    }

    /// <summary>Opens a page signed in with the admin key, on the status page.</summary>
    public async Task<IPage> SignedInPageAsync()
    {
        IPage page = await Browser.NewPageAsync();
        await page.GotoAsync(BaseUrl + "/login");
        await page.FillAsync("#key", AdminKey);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("[data-testid=version]");
        return page;
    }

    /// <summary>Saves a full-page screenshot next to the test binaries, for people to look at.</summary>
    public static async Task SaveScreenshotAsync(IPage page, string name)
    {
        string directory = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(directory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory, name), FullPage = true });
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _data.Dispose();
    }
}
