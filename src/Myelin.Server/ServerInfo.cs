using System.Reflection;

namespace Myelin.Server;

/// <summary>Facts about the running server shown on status pages.</summary>
/// <param name="StartedAt">When the server started.</param>
/// <param name="TimeProvider">The clock.</param>
public sealed record ServerInfo(DateTimeOffset StartedAt, TimeProvider TimeProvider)
{
    /// <summary>The product version.</summary>
    public static string Version { get; } =
        typeof(ServerInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>Time since start.</summary>
    public TimeSpan Uptime => TimeProvider.GetUtcNow() - StartedAt;
}
