using System.Diagnostics;
using System.Text;
using Myelin.TestUtilities;

namespace Myelin.EndToEnd;

/// <summary>A <c>myelin serve</c> child process on a free loopback port, killable with SIGKILL.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Path of the built CLI assembly (copied next to the tests by the project reference).</summary>
    public static string CliAssembly
    {
        get
        {
            string path = Path.Combine(AppContext.BaseDirectory, "myelin.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("myelin.dll is not next to the tests; build Myelin.Cli first.", path);
        }
    }

    public static async Task<ServerProcess> StartAsync(
        string dataDirectory, string adminKey, CancellationToken cancellationToken, IReadOnlyList<string>? extraArguments = null)
    {
        int port = FreePort.Next();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { CliAssembly, "serve", "--data", dataDirectory, "--urls", $"http://127.0.0.1:{port}" }.Concat(extraArguments ?? []))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["MYELIN_ADMIN_KEY"] = adminKey;
        start.Environment["DOTNET_TieredPGO"] = "0";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        Process process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the myelin process.");
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}"));
        await server.WaitUntilHealthyAsync(cancellationToken);
        return server;
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM: asks for a graceful shutdown and waits for the exit code.</summary>
    public async Task<int> TerminateAsync(CancellationToken cancellationToken)
    {
        using (Process kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(cancellationToken);
        }

        await _process.WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"myelin exited with {_process.ExitCode} before it was healthy:\n{Output}");
            }

            try
            {
                if ((await client.GetAsync("/health", cancellationToken)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Slow start.
            }

            await Task.Delay(50, cancellationToken);
        }

        throw new TimeoutException($"myelin did not become healthy in 60 s:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
