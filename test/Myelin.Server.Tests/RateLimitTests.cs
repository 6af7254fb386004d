using System.Net;

namespace Myelin.Server;

public sealed class RateLimitTests
{
    [Fact]
    public async Task A_tenant_over_its_budget_gets_429_with_retry_after_and_others_are_unaffected()
    {
        await using ServerHarness server = await ServerHarness.StartAsync(o =>
        {
            o.RateLimitPerSecond = 1;
            o.RateLimitBurst = 5;
        });
        (string reader, _, _) = await server.CreateTenantAsync("busy");

        HttpClient busy = server.Client(reader);
        HttpResponseMessage? limited = null;
        for (int i = 0; i < 10 && limited is null; i++)
        {
            HttpResponseMessage response = await busy.GetAsync("/api/log");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
        }

        Assert.NotNull(limited);
        await ProblemAssert.IsProblemAsync(limited, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "Retry-After must be set");

        // The default tenant has its own bucket (its four setup calls were below its burst of five).
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await server.Client().GetAsync("/api/status")).StatusCode);
    }
}
