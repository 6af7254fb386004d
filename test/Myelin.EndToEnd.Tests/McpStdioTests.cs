using System.Diagnostics;
using System.Text.Json;
using Myelin.Core;
using Myelin.Core.Storage;
using Myelin.Hosting;
using Myelin.TestUtilities;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Myelin.EndToEnd;

/// <summary><c>myelin mcp</c> as an MCP client launches it: a child process speaking MCP on stdin/stdout.</summary>
public sealed class McpStdioTests
{
    [Fact]
    public async Task An_mcp_client_over_stdio_remembers_recalls_and_forgets()
    {
        using var directory = new TempDirectory("myelin-mcp-stdio");
        string data = directory.Combine("data");
        await CreateTenantAsync(data, "other");

        await using (McpClient client = await LaunchAsync(data, "default", "admin"))
        {
            Assert.Equal("myelin", client.ServerInfo?.Name);
            IList<McpClientTool> tools = await client.ListToolsAsync();
            Assert.Equal(["forget", "recall", "remember"], tools.Select(t => t.Name).Order(StringComparer.Ordinal));

            CallToolResult remembered = await client.CallToolAsync("remember", Arguments("""
                {"userId": "ana", "sessionId": "s1", "turns": [{"role": "user", "speaker": "Ana", "text": "I keep bees on my roof in Ghent."}]}
                """));
            Assert.Equal(1, Structured(remembered).GetProperty("turns").GetArrayLength());

            JsonElement hits = Structured(await client.CallToolAsync("recall", Arguments("""{"userId": "ana", "query": "bees"}"""))).GetProperty("hits");
            Assert.NotEqual(0, hits.GetArrayLength());
            Assert.Contains("bees", hits[0].GetProperty("item").GetProperty("text").GetString(), StringComparison.Ordinal);
        }

        await using (McpClient other = await LaunchAsync(data, "other", "admin"))
        {
            JsonElement hits = Structured(await other.CallToolAsync("recall", Arguments("""{"userId": "ana", "query": "bees"}"""))).GetProperty("hits");
            Assert.Equal(0, hits.GetArrayLength());
        }

        await using (McpClient reader = await LaunchAsync(data, "default", "reader"))
        {
            CallToolResult refused = await reader.CallToolAsync("forget", Arguments("""{"userId": "ana"}"""));
            Assert.True(refused.IsError);
            Assert.StartsWith("forbidden:", Assert.IsType<TextContentBlock>(Assert.Single(refused.Content)).Text, StringComparison.Ordinal);
        }

        await using (McpClient admin = await LaunchAsync(data, "default", "admin"))
        {
            JsonElement summary = Structured(await admin.CallToolAsync("forget", Arguments("""{"userId": "ana"}""")));
            Assert.True(summary.GetProperty("items").GetInt64() >= 1);
            JsonElement hits = Structured(await admin.CallToolAsync("recall", Arguments("""{"userId": "ana", "query": "bees"}"""))).GetProperty("hits");
            Assert.Equal(0, hits.GetArrayLength());
        }
    }

    [Fact]
    public async Task Bad_options_are_one_line_on_stderr_and_a_non_zero_exit()
    {
        using var directory = new TempDirectory("myelin-mcp-stdio-errors");
        string data = directory.Combine("data");

        (int code, string stdout, string stderr) = await RunAsync("mcp", "--data", data, "--tenant", "Not A Tenant");
        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.StartsWith("myelin: Tenant id 'Not A Tenant' is invalid", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);

        (code, stdout, stderr) = await RunAsync("mcp", "--data", data, "--role", "root");
        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal("myelin: --role must be reader, writer or admin, not 'root'.", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));

        (code, stdout, stderr) = await RunAsync("mcp", "--data", data, "--tenant", "nobody");
        Assert.Equal(1, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("Tenant 'nobody' does not exist", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    private static async Task CreateTenantAsync(string data, string tenant)
    {
        IMyelinStorage storage = await MyelinStorageFactory.OpenAsync(new MyelinOptions { DataDirectory = data });
        await using (storage)
        {
            await storage.Tenants.CreateAsync(new TenantId(tenant), tenant);
        }
    }

    private static async Task<McpClient> LaunchAsync(string data, string tenant, string role)
    {
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "myelin",
            Command = "dotnet",
            Arguments = [ServerProcess.CliAssembly, "mcp", "--data", data, "--tenant", tenant, "--role", role],
            EnvironmentVariables = new Dictionary<string, string?> { ["DOTNET_TieredPGO"] = "0" },
        });
        return await McpClient.CreateAsync(transport);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ServerProcess.CliAssembly);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static Dictionary<string, object?> Arguments(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone(), StringComparer.Ordinal);
    }

    private static JsonElement Structured(CallToolResult result)
    {
        Assert.True(result.IsError != true, string.Join("\n", result.Content.OfType<TextContentBlock>().Select(c => c.Text)));
        return Assert.IsType<JsonElement>(result.StructuredContent);
    }
}
