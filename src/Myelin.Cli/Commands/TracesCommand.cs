using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace Myelin.Cli.Commands;

/// <summary><c>myelin traces tail</c>: prints the newest traces and, with <c>--follow</c>, new ones as they arrive.</summary>
internal static class TracesCommand
{
    public static Command Create()
    {
        Option<string> url = ServerConnection.UrlOption();
        Option<string?> key = ServerConnection.KeyOption();
        var session = new Option<string?>("--session") { Description = "Only this session." };
        var count = new Option<int>("--count") { Description = "How many of the newest traces to show first.", DefaultValueFactory = _ => 20 };
        var follow = new Option<bool>("--follow") { Description = "Keep polling for new traces until Ctrl+C." };
        var tail = new Command("tail", "Show the newest traces: time, name, duration, spans, errors, tokens, cost, session.") { url, key, session, count, follow };
        tail.SetAction((r, ct) => TailAsync(r.GetValue(url)!, r.GetValue(key), r.GetValue(session), r.GetValue(count), r.GetValue(follow), ct));
        return new Command("traces", "Traces on a running server.") { tail };
    }

    private static async Task<int> TailAsync(string url, string? key, string? session, int count, bool follow, CancellationToken cancellationToken)
    {
        if (count is < 1 or > 500)
        {
            throw new Core.MyelinValidationException("invalid_option", "--count must be between 1 and 500.");
        }

        using ServerConnection server = ServerConnection.Open(url, key);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string filter = session is null ? string.Empty : "&sessionId=" + Uri.EscapeDataString(session);
        bool first = true;
        do
        {
            string body = await server.SendAsync(HttpMethod.Get, $"/api/traces?limit={count}{filter}", null, cancellationToken);
            using JsonDocument page = JsonDocument.Parse(body);
            JsonElement[] traces = [.. page.RootElement.GetProperty("traces").EnumerateArray()];
            foreach (JsonElement trace in traces.Reverse())
            {
                string id = trace.GetProperty("traceId").GetString()!;
                if (seen.Add(id))
                {
                    Console.WriteLine(Line(trace));
                }
            }

            if (first && traces.Length == 0 && !follow)
            {
                Console.WriteLine("No traces yet.");
            }

            first = false;
            if (follow)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        while (follow && !cancellationToken.IsCancellationRequested);

        return 0;
    }

    private static string Line(JsonElement t)
    {
        DateTimeOffset start = t.GetProperty("startTime").GetDateTimeOffset();
        double ms = t.GetProperty("durationMs").GetDouble();
        string models = string.Join(",", t.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
        string sessionId = t.TryGetProperty("sessionId", out JsonElement s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "-";
        return string.Create(CultureInfo.InvariantCulture,
            $"{start.UtcDateTime:yyyy-MM-dd HH:mm:ss} {t.GetProperty("traceId").GetString()} {t.GetProperty("rootName").GetString(),-30} {ms,9:F1} ms " +
            $"spans {t.GetProperty("spanCount").GetInt64(),3} errors {t.GetProperty("errorCount").GetInt64(),2} " +
            $"tokens {t.GetProperty("inputTokens").GetInt64()}/{t.GetProperty("outputTokens").GetInt64()} ${t.GetProperty("costUsd").GetDouble():F6} {models} session {sessionId}");
    }
}
