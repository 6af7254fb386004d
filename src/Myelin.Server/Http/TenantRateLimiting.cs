using System.Globalization;
using System.Threading.RateLimiting;
using Myelin.Hosting;
using Myelin.Server.Auth;

namespace Myelin.Server.Http;

/// <summary>Per-tenant token buckets: a busy tenant gets 429 with Retry-After and never slows the others.</summary>
internal static class TenantRateLimiting
{
    public static IServiceCollection AddTenantRateLimiting(this IServiceCollection services, MyelinOptions options)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                string? tenant = context.User.FindFirst(ApiKeyDefaults.TenantClaim)?.Value;
                if (tenant is null)
                {
                    // Unauthenticated requests (health, login page, failed auth) share one bucket per client address.
                    string partition = "anon:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
                    return Bucket(partition, options);
                }

                return Bucket("tenant:" + tenant, options);
            });
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                TimeSpan retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan value) ? value : TimeSpan.FromSeconds(1);
                int seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await Problems.WriteAsync(
                    context.HttpContext,
                    StatusCodes.Status429TooManyRequests,
                    "rate_limited",
                    $"This tenant exceeded {options.RateLimitPerSecond} requests per second; retry after {seconds} s.").ConfigureAwait(false);
            };
        });
        return services;
    }

    private static RateLimitPartition<string> Bucket(string key, MyelinOptions options) =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.RateLimitBurst,
            TokensPerPeriod = options.RateLimitPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
}
