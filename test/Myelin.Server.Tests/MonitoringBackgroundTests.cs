using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Myelin.Hosting;
using Myelin.TestUtilities;

namespace Myelin.Server;

/// <summary>The server's background service runs monitoring cycles on its own clock, without anyone calling /api/monitors/run.</summary>
public sealed class MonitoringBackgroundTests
{
    [Fact]
    public async Task A_tick_of_the_clock_runs_the_monitors_and_fires_the_alert()
    {
        using var data = new TempDirectory("myelin-monitor-bg");
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        WebApplication app = await MyelinServerHost.BuildAsync(
            new MyelinOptions { DataDirectory = data.Path, AdminKey = ServerHarness.AdminKey, RateLimitPerSecond = 100_000, RateLimitBurst = 100_000 },
            ["http://127.0.0.1:0"],
            configure: b =>
            {
                b.Logging.ClearProviders();
                b.Services.AddSingleton<TimeProvider>(time);
            });
        await app.StartAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServerHarness.AdminKey);
            (await client.PutAsJsonAsync("/api/monitors/online", new { detectors = new[] { "drift" } })).EnsureSuccessStatusCode();
            (await client.PutAsJsonAsync("/api/alerts/rules/drift-rate", new { kind = "finding_rate", target = "drift", threshold = 0.3, minCount = 2 }))
                .EnsureSuccessStatusCode();
            await OtlpTurns.SendStandardAsync(client);

            // Nothing runs until the clock ticks; then the cycle runs in the background and the rule fires.
            Assert.Equal("ok", await RuleStateAsync(client));
            string state = "ok";
            for (int i = 0; i < 200 && state == "ok"; i++)
            {
                time.Advance(TimeSpan.FromSeconds(10));
                await Task.Delay(50);
                state = await RuleStateAsync(client);
            }

            Assert.Equal("firing", state);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static async Task<string> RuleStateAsync(HttpClient client)
    {
        using JsonDocument rules = JsonDocument.Parse(await client.GetStringAsync("/api/alerts/rules"));
        return rules.RootElement[0].GetProperty("state").GetString()!;
    }
}
