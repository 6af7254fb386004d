using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Myelin.Core;
using Myelin.Core.Storage;
using Myelin.Evals.Traces;
using Myelin.Hosting;
using Myelin.Inference;
using Myelin.Inference.Chat;
using Myelin.Memory;
using Myelin.Server.Auth;
using Myelin.Server.Dashboard;
using Myelin.Server.Endpoints;
using Myelin.Server.Http;
using Myelin.Server.Mcp;
using Myelin.Server.OpenAi;

namespace Myelin.Server;

/// <summary>Builds the Myelin web server: storage, auth, rate limits, problem+json errors, the API and the dashboard.</summary>
public static class MyelinServerHost
{
    /// <summary>
    /// Validates the options, opens and migrates storage, ensures an admin key exists and builds the application.
    /// The returned app owns the storage: disposing the app (which <c>RunAsync</c> does after shutdown) closes it.
    /// </summary>
    /// <param name="options">Installation settings.</param>
    /// <param name="urls">Addresses to listen on, e.g. <c>http://127.0.0.1:5000</c>; port 0 picks a free port.</param>
    /// <param name="announce">Receives one-time messages for the operator (the generated admin key).</param>
    /// <param name="configure">Optional extra configuration of the builder (logging, services) before the app is built.</param>
    /// <param name="cancellationToken">Cancels opening the storage.</param>
    public static async Task<WebApplication> BuildAsync(
        MyelinOptions options,
        IReadOnlyList<string> urls,
        Action<string>? announce = null,
        Action<WebApplicationBuilder>? configure = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(urls);
        ValidateOptionsResult validation = new MyelinOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new MyelinValidationException("invalid_options", validation.FailureMessage);
        }

        IMyelinStorage storage = await MyelinStorageFactory.OpenAsync(options, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        IMemoryStore? memory = null;
        try
        {
            memory = await MyelinMemoryStoreFactory.OpenAsync(options, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            string? newKey = await AdminKeyBootstrap.EnsureAsync(storage, options.AdminKey, cancellationToken).ConfigureAwait(false);
            if (newKey is not null)
            {
                announce?.Invoke(newKey);
            }

            const int CacheBlockTokens = 16;
            ModelCatalog models = ModelCatalog.Open(options.ModelPaths, new LocalChatClientOptions
            {
                CacheBlockTokens = CacheBlockTokens,
                CacheBlocks = (options.PrefixCacheTokens + CacheBlockTokens - 1) / CacheBlockTokens,
                DiskCacheDirectory = options.KvDiskCacheMegabytes > 0 ? Path.Combine(Path.GetFullPath(options.DataDirectory), "kv-cache") : null,
                DiskCacheBytes = (long)options.KvDiskCacheMegabytes << 20,
                WeightPlacement = options.MapModelWeights ? WeightPlacement.Mapped : WeightPlacement.Resident,
            });
            ITraceIndexStore? traceIndex = null;
            try
            {
                traceIndex = await TracesApi.OpenTraceIndexAsync(options.DataDirectory, options.PostgresConnectionString, cancellationToken).ConfigureAwait(false);
                return Build(options, urls, storage, memory, models, traceIndex, configure);
            }
            catch
            {
                models.Dispose();
                if (traceIndex is not null)
                {
                    await traceIndex.DisposeAsync().ConfigureAwait(false);
                }

                throw;
            }
        }
        catch
        {
            if (memory is IAsyncDisposable openedMemory)
            {
                await openedMemory.DisposeAsync().ConfigureAwait(false);
            }

            await storage.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static WebApplication Build(
        MyelinOptions options,
        IReadOnlyList<string> urls,
        IMyelinStorage storage,
        IMemoryStore memory,
        ModelCatalog models,
        ITraceIndexStore traceIndex,
        Action<WebApplicationBuilder>? configure)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(MyelinServerHost).Assembly.GetName().Name });
        builder.WebHost.UseUrls([.. urls]);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            kestrel.AddServerHeader = false;
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(15));

        // Per-request framework logs drown what operators need; hosts print their own start banner.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);

        // Registered through a factory so the container owns it: disposing the app (RunAsync does) closes the storage
        // after the server has drained in-flight requests.
        builder.Services.AddSingleton<IMyelinStorage>(_ => storage);
        builder.Services.AddSingleton(_ => models);
        builder.Services.AddSingleton<MetricsCollector>();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new ServerInfo(TimeProvider.System.GetUtcNow(), TimeProvider.System));
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ServerJsonContext.Default));
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<MyelinExceptionHandler>();
        builder.Services.AddOpenApi("v1");

        builder.Services.AddAuthentication(ApiKeyDefaults.Scheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyDefaults.Scheme, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ApiKeyDefaults.ReaderPolicy, p => p.RequireAuthenticatedUser().RequireClaim(ApiKeyDefaults.RoleClaim, "Reader", "Writer", "Admin"))
            .AddPolicy(ApiKeyDefaults.WriterPolicy, p => p.RequireAuthenticatedUser().RequireClaim(ApiKeyDefaults.RoleClaim, "Writer", "Admin"))
            .AddPolicy(ApiKeyDefaults.AdminPolicy, p => p.RequireAuthenticatedUser().RequireClaim(ApiKeyDefaults.RoleClaim, "Admin"))
            .AddPolicy(ApiKeyDefaults.OperatorPolicy, p => p.RequireAuthenticatedUser()
                .RequireClaim(ApiKeyDefaults.RoleClaim, "Admin")
                .RequireClaim(ApiKeyDefaults.TenantClaim, TenantId.Default.Value));
        builder.Services.AddTenantRateLimiting(options);
        builder.Services.AddTraceIndex(traceIndex);
        builder.Services.AddDatasets(options.DataDirectory);
        builder.Services.AddExperiments(options.DataDirectory);
        builder.Services.AddMonitoring(options.DataDirectory);
        builder.Services.AddMemory(memory);
        builder.Services.AddMcp();
        configure?.Invoke(builder);

        WebApplication app = builder.Build();

        // Created now so it sees every measurement from the first request on.
        app.Services.GetRequiredService<MetricsCollector>();
        // Resolved now so the container owns (and at shutdown disposes) the memory store even if no request uses it.
        app.Services.GetRequiredService<IMemoryStore>();
        app.UseExceptionHandler();
        app.UseStatusCodePages(async context =>
        {
            // Responses the framework ends without a body (routing misses, media-type checks) get problem+json too.
            HttpContext http = context.HttpContext;
            (string code, string detail) = http.Response.StatusCode switch
            {
                StatusCodes.Status404NotFound => ("not_found", $"No endpoint at '{http.Request.Path}'."),
                StatusCodes.Status405MethodNotAllowed => ("method_not_allowed", $"'{http.Request.Method}' is not allowed on '{http.Request.Path}'."),
                StatusCodes.Status415UnsupportedMediaType => ("unsupported_media_type", "Send the body as 'Content-Type: application/json'."),
                int status => ("http_" + status, $"The request failed with status {status}."),
            };
            await Problems.WriteAsync(http, http.Response.StatusCode, code, detail).ConfigureAwait(false);
        });
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();

        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapStatusApi();
        app.MapLogApi();
        app.MapCheckpointsApi();
        app.MapKeysApi();
        app.MapTenantsApi();
        app.MapOtlpApi();
        app.MapTracesApi();
        app.MapDatasetsApi();
        app.MapExperimentsApi();
        app.MapMonitorsApi();
        app.MapAlertsApi();
        app.MapFeedbackApi();
        app.MapAnnotationsApi();
        app.MapMemoryApi();
        app.MapMcpApi();
        app.MapOpenAiApi();
        app.MapDashboard();
        return app;
    }
}
