using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Myelin.Server;

public sealed class LogEventIdTests
{
    [Fact]
    public void Every_log_message_of_the_server_and_its_libraries_has_its_own_event_id()
    {
        // The server's dependency closure (every Myelin assembly it ships with) lies next to the test assembly.
        Assembly[] assemblies = [.. Directory.EnumerateFiles(AppContext.BaseDirectory, "Myelin.*.dll")
            .Where(path => !Path.GetFileName(path).Contains(".Tests.", StringComparison.Ordinal)
                && !Path.GetFileName(path).Contains("TestUtilities", StringComparison.Ordinal))
            .Select(path => Assembly.LoadFrom(path))];
        Assert.Contains(assemblies, a => a.GetName().Name == "Myelin.Evals");
        Assert.Contains(assemblies, a => a.GetName().Name == "Myelin.Inference");

        var owners = new Dictionary<int, string>();
        var clashes = new List<string>();
        foreach (Assembly assembly in assemblies)
        {
            foreach (Type type in assembly.GetTypes())
            {
                foreach (MethodInfo method in type.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    if (method.GetCustomAttribute<LoggerMessageAttribute>() is not { EventId: > 0 } message)
                    {
                        continue;
                    }

                    string owner = $"{type.FullName}.{method.Name}";
                    if (!owners.TryAdd(message.EventId, owner))
                    {
                        clashes.Add($"{message.EventId}: {owners[message.EventId]} and {owner}");
                    }
                }
            }
        }

        Assert.True(owners.Count > 10, $"only {owners.Count} log messages found");
        Assert.Empty(clashes);
    }
}
