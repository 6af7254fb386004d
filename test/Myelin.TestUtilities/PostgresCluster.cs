namespace Myelin.TestUtilities;

/// <summary>
/// A throwaway PostgreSQL server for tests: <c>initdb</c> into a temp folder, started on a free loopback port with its
/// socket in that folder, stopped (<c>pg_ctl stop -m immediate</c>) and deleted on dispose.
/// </summary>
/// <remarks>
/// Needs the PostgreSQL server binaries (<c>apt-get install postgresql</c>); <c>MYELIN_PG_BIN</c> overrides where they are.
/// When the tests run as root the server runs as the <c>postgres</c> user, because <c>initdb</c> refuses root.
/// fsync is off: these clusters hold test data only, and it keeps the suites fast.
/// </remarks>
public sealed class PostgresCluster : IAsyncDisposable
{
    public const string SuperUser = "postgres";

    private readonly string _binDirectory;
    private readonly TempDirectory _root;
    private readonly bool _asPostgresUser;
    private bool _stopped;

    private PostgresCluster(string binDirectory, TempDirectory root, int port, bool asPostgresUser)
    {
        _binDirectory = binDirectory;
        _root = root;
        Port = port;
        _asPostgresUser = asPostgresUser;
    }

    public int Port { get; }

    public string DataDirectory => _root.Combine("data");

    /// <summary>A connection string for <paramref name="database"/> as the superuser over TCP on 127.0.0.1.</summary>
    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username={SuperUser};Database={database};Pooling=true;Include Error Detail=true";

    public static async Task<PostgresCluster> StartAsync()
    {
        string binDirectory = FindBinDirectory();
        bool asPostgresUser = Environment.IsPrivilegedProcess;
        var root = new TempDirectory("myelin-pg");
        try
        {
            Directory.CreateDirectory(root.Combine("sock"));
            if (asPostgresUser)
            {
                await ProcessRunner.RunAsync("chown", ["-R", "postgres:postgres", root.Path]);
            }

            int port = FreePort.Next();
            var cluster = new PostgresCluster(binDirectory, root, port, asPostgresUser);
            await cluster.RunToolAsync("initdb", ["-D", cluster.DataDirectory, "-U", SuperUser, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
            string serverOptions = $"-p {port} -k {root.Combine("sock")} -c listen_addresses=127.0.0.1 -c fsync=off "
                + "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200";
            await cluster.RunToolAsync("pg_ctl", ["-D", cluster.DataDirectory, "-l", root.Combine("server.log"), "-w", "-t", "60", "-o", serverOptions, "start"]);
            return cluster;
        }
        catch
        {
            root.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        try
        {
            await RunToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"]);
        }
        finally
        {
            _root.Dispose();
        }
    }

    private Task<string> RunToolAsync(string tool, string[] arguments)
    {
        string path = System.IO.Path.Combine(_binDirectory, tool);
        return _asPostgresUser
            ? ProcessRunner.RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments])
            : ProcessRunner.RunAsync(path, arguments);
    }

    private static string FindBinDirectory()
    {
        string? configured = Environment.GetEnvironmentVariable("MYELIN_PG_BIN");
        if (!string.IsNullOrEmpty(configured) && File.Exists(System.IO.Path.Combine(configured, "initdb")))
        {
            return configured;
        }

        const string Root = "/usr/lib/postgresql";
        if (Directory.Exists(Root))
        {
            string? found = Directory.EnumerateDirectories(Root)
                .Select(d => System.IO.Path.Combine(d, "bin"))
                .Where(d => File.Exists(System.IO.Path.Combine(d, "initdb")) && File.Exists(System.IO.Path.Combine(d, "pg_ctl")))
                .OrderByDescending(d => int.TryParse(new DirectoryInfo(d).Parent!.Name, out int v) ? v : 0)
                .FirstOrDefault();
            if (found is not null)
            {
                return found;
            }
        }

        throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin. "
            + "Install them with 'apt-get install postgresql' (the tests start their own throwaway cluster), "
            + "or set MYELIN_PG_BIN to the folder that holds initdb.");
    }
}
