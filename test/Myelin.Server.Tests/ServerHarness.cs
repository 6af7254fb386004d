using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Myelin.Hosting;

namespace Myelin.Server;

/// <summary>A real Myelin server on a loopback port with its own temporary data directory.</summary>
public sealed class ServerHarness : IAsyncDisposable
{
    public const string AdminKey = "test-admin-key-0123456789abcdef";

    private readonly WebApplication _app;
    private readonly DirectoryInfo _data;
    private readonly List<HttpClient> _clients = [];

    private ServerHarness(WebApplication app, DirectoryInfo data, Uri baseAddress)
    {
        _app = app;
        _data = data;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public string DataDirectory => _data.FullName;

    public static async Task<ServerHarness> StartAsync(Action<MyelinOptions>? configure = null)
    {
        DirectoryInfo data = Directory.CreateTempSubdirectory("myelin-server-test-");
        var options = new MyelinOptions { DataDirectory = data.FullName, AdminKey = AdminKey, RateLimitPerSecond = 100_000, RateLimitBurst = 100_000 };
        configure?.Invoke(options);
        WebApplication app = await MyelinServerHost.BuildAsync(
            options, ["http://127.0.0.1:0"], configure: b => b.Logging.ClearProviders().SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        return new ServerHarness(app, data, new Uri(app.Urls.First()));
    }

    public HttpClient Client(string? key = AdminKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        _clients.Add(client);
        return client;
    }

    /// <summary>Creates a tenant (as the operator) and returns one key per role.</summary>
    public async Task<(string Reader, string Writer, string Admin)> CreateTenantAsync(string tenant)
    {
        HttpClient admin = Client();
        (await admin.PostAsJsonAsync("/api/tenants", new { id = tenant, displayName = tenant })).EnsureSuccessStatusCode();
        return (await KeyAsync(admin, tenant, "reader"), await KeyAsync(admin, tenant, "writer"), await KeyAsync(admin, tenant, "admin"));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (HttpClient client in _clients)
        {
            client.Dispose();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            _data.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by the OS on teardown is left for the temp cleaner.
        }
    }

    private static async Task<string> KeyAsync(HttpClient admin, string tenant, string role)
    {
        HttpResponseMessage response = await admin.PostAsJsonAsync("/api/keys", new { name = role, role, tenant });
        response.EnsureSuccessStatusCode();
        using JsonDocument doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("secret").GetString()!;
    }
}
