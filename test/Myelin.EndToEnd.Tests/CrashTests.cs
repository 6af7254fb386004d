using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Myelin.TestUtilities;

namespace Myelin.EndToEnd;

/// <summary>
/// A server appending over HTTP is killed with SIGKILL at random moments. After each restart every acknowledged
/// record is present exactly once, batches are all-or-nothing, and offsets have no gaps.
/// </summary>
public sealed class CrashTests
{
    private const string AdminKey = "crash-test-admin-key-0123456789";
    private const int Lanes = 2;
    private const int KillsPerLane = 25;

    [Fact]
    public async Task Acknowledged_appends_survive_sigkill_exactly_once()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        await Task.WhenAll(Enumerable.Range(0, Lanes).Select(lane => RunLaneAsync(lane, cancellation.Token)));
    }

    [Fact]
    public async Task Graceful_shutdown_under_load_exits_cleanly_and_keeps_every_acknowledged_append()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        using var data = new TempDirectory("myelin-sigterm");
        var acknowledged = new HashSet<string>(StringComparer.Ordinal);
        int batchSeed = 0;
        for (int round = 0; round < 3; round++)
        {
            await using ServerProcess server = await ServerProcess.StartAsync(data.Path, AdminKey, cancellation.Token);
            using HttpClient client = Client(server.BaseAddress);
            using var stopAppending = new CancellationTokenSource();
            Task appender = AppendUntilStoppedAsync(client, acknowledged, () => Interlocked.Increment(ref batchSeed) + 5_000_000, round, stopAppending.Token);
            await Task.Delay(200, cancellation.Token);
            Assert.Equal(0, await server.TerminateAsync(cancellation.Token));
            await stopAppending.CancelAsync();
            await appender;
        }

        await using ServerProcess last = await ServerProcess.StartAsync(data.Path, AdminKey, cancellation.Token);
        using HttpClient final = Client(last.BaseAddress);
        await VerifyAsync(final, acknowledged, cancellation.Token);
        Assert.NotEmpty(acknowledged);
    }

    private static async Task RunLaneAsync(int lane, CancellationToken cancellationToken)
    {
        using var data = new TempDirectory("myelin-crash");
        var random = new Random(1234 + lane);
        var acknowledged = new HashSet<string>(StringComparer.Ordinal);
        int batchSeed = 0;
        for (int kill = 0; kill < KillsPerLane; kill++)
        {
            ServerProcess server = await ServerProcess.StartAsync(data.Path, AdminKey, cancellationToken);
            try
            {
                using HttpClient client = Client(server.BaseAddress);
                await VerifyAsync(client, acknowledged, cancellationToken);

                using var stopAppending = new CancellationTokenSource();
                Task appender = AppendUntilStoppedAsync(client, acknowledged, () => Interlocked.Increment(ref batchSeed) + (lane * 1_000_000), random.Next(), stopAppending.Token);
                await Task.Delay(random.Next(30, 300), cancellationToken);
                await server.KillAsync();
                await stopAppending.CancelAsync();
                await appender;
            }
            finally
            {
                await server.DisposeAsync();
            }
        }

        await using ServerProcess last = await ServerProcess.StartAsync(data.Path, AdminKey, cancellationToken);
        using HttpClient final = Client(last.BaseAddress);
        int stored = await VerifyAsync(final, acknowledged, cancellationToken);
        Assert.True(acknowledged.Count > KillsPerLane, $"lane {lane}: only {acknowledged.Count} acknowledged records; the test did not exercise appends");
        Assert.True(stored >= acknowledged.Count);
    }

    private static async Task AppendUntilStoppedAsync(
        HttpClient client, HashSet<string> acknowledged, Func<int> nextBatch, int seed, CancellationToken stop)
    {
        var random = new Random(seed);
        while (!stop.IsCancellationRequested)
        {
            int batch = nextBatch();
            int size = random.Next(1, 40);
            string[] keys = [.. Enumerable.Range(0, size).Select(i => $"b{batch}-{i}")];
            string body = "[" + string.Join(',', keys.Select(k =>
                $$$"""{"kind":"x.crash","idempotencyKey":"{{{k}}}","payload":{"batch":{{{batch}}},"size":{{{size}}},"pad":"{{{new string('p', random.Next(0, 200))}}}"}}""")) + "]";
            try
            {
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                using HttpResponseMessage response = await client.PostAsync("/api/log", content, CancellationToken.None);
                if (response.IsSuccessStatusCode)
                {
                    lock (acknowledged)
                    {
                        acknowledged.UnionWith(keys);
                    }
                }
            }
            catch (HttpRequestException)
            {
                return; // The server died mid-request: this batch was never acknowledged.
            }
            catch (TaskCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Reads the whole log and checks the invariants; returns how many crash records are stored.</summary>
    private static async Task<int> VerifyAsync(HttpClient client, HashSet<string> acknowledged, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var batches = new Dictionary<int, (int Size, int Seen)>();
        long after = 0;
        long expectedOffset = 0;
        while (true)
        {
            using JsonDocument page = JsonDocument.Parse(await client.GetStringAsync($"/api/log?after={after}&limit=10000", cancellationToken));
            JsonElement records = page.RootElement.GetProperty("records");
            foreach (JsonElement record in records.EnumerateArray())
            {
                long offset = record.GetProperty("offset").GetInt64();
                Assert.Equal(++expectedOffset, offset);
                after = offset;
                if (record.GetProperty("kind").GetString() != "x.crash")
                {
                    continue;
                }

                string key = record.GetProperty("idempotencyKey").GetString()!;
                counts[key] = counts.GetValueOrDefault(key) + 1;
                JsonElement payload = record.GetProperty("payload");
                int batch = payload.GetProperty("batch").GetInt32();
                int size = payload.GetProperty("size").GetInt32();
                (int Size, int Seen) seen = batches.GetValueOrDefault(batch, (size, 0));
                batches[batch] = (size, seen.Seen + 1);
            }

            if (records.GetArrayLength() < 10000)
            {
                break;
            }
        }

        Assert.All(counts, c => Assert.True(c.Value == 1, $"record {c.Key} stored {c.Value} times"));
        Assert.All(batches, b => Assert.True(b.Value.Size == b.Value.Seen, $"batch {b.Key} half-written: {b.Value.Seen} of {b.Value.Size}"));
        lock (acknowledged)
        {
            string[] missing = [.. acknowledged.Where(k => !counts.ContainsKey(k)).Take(5)];
            Assert.True(missing.Length == 0, $"acknowledged records lost: {string.Join(", ", missing)}");
        }

        return counts.Count;
    }

    private static HttpClient Client(Uri baseAddress)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        return client;
    }
}
