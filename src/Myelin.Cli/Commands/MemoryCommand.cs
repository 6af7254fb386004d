using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Myelin.Core;

namespace Myelin.Cli.Commands;

/// <summary><c>myelin memory import|recall|forget</c>: long-term memory on a running server.</summary>
internal static class MemoryCommand
{
    public static Command Create()
    {
        Option<string> url = ServerConnection.UrlOption();
        Option<string?> key = ServerConnection.KeyOption();
        var file = new Argument<string>("file") { Description = "A JSONL file of turns: {user, agent, session, role, text, timestamp, speaker}." };
        var batch = new Option<int>("--batch-size") { Description = "Turns per request (1 to 1000).", DefaultValueFactory = _ => 500 };
        var import = new Command("import", "Remember the turns of a JSONL file; each batch is validated before it is sent.") { file, url, key, batch };
        import.SetAction((r, ct) => MemoryImport.RunAsync(r.GetValue(url)!, r.GetValue(key), r.GetValue(file)!, r.GetValue(batch), ct));

        var user = new Option<string>("--user") { Description = "The user whose memories to use.", Required = true };
        var query = new Argument<string>("query") { Description = "What to recall memories for." };
        var limit = new Option<int>("--limit") { Description = "How many memories (1 to 100).", DefaultValueFactory = _ => 10 };
        var kind = new Option<string?>("--kind") { Description = "Only this kind: episode, fact, preference, procedure or summary." };
        var json = new Option<bool>("--json") { Description = "Print the server's JSON instead of a table." };
        var recall = new Command("recall", "Recall a user's memories for a query, best first.") { query, url, key, user, limit, kind, json };
        recall.SetAction((r, ct) => RecallAsync(
            r.GetValue(url)!, r.GetValue(key), r.GetValue(user)!, r.GetValue(query)!, r.GetValue(limit), r.GetValue(kind), r.GetValue(json), ct));

        var yes = new Option<bool>("--yes") { Description = "Confirm: forgetting cannot be undone." };
        var forget = new Command("forget", "Forget a user: items, index entries, vectors and history are deleted; an audit record remains.") { url, key, user, yes };
        forget.SetAction((r, ct) => ForgetAsync(r.GetValue(url)!, r.GetValue(key), r.GetValue(user)!, r.GetValue(yes), ct));
        return new Command("memory", "Long-term memory on a running server.") { import, recall, forget };
    }

    private static async Task<int> RecallAsync(
        string url, string? key, string user, string query, int limit, string? kind, bool json, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 100)
        {
            throw new MyelinValidationException("invalid_option", "--limit must be between 1 and 100.");
        }

        using ServerConnection server = ServerConnection.Open(url, key);
        string body = MemoryImport.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("userId", user);
            w.WriteString("query", query);
            w.WriteNumber("limit", limit);
            w.WriteNumber("neighbourTurns", 0);
            if (kind is not null)
            {
                w.WriteStartArray("kinds");
                w.WriteStringValue(kind);
                w.WriteEndArray();
            }

            w.WriteEndObject();
        });
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        string answer = await server.SendAsync(HttpMethod.Post, "/api/memory/recall", content, cancellationToken);
        if (json)
        {
            Console.WriteLine(answer);
            return 0;
        }

        using JsonDocument result = JsonDocument.Parse(answer);
        JsonElement[] hits = [.. result.RootElement.GetProperty("hits").EnumerateArray()];
        if (hits.Length == 0)
        {
            Console.WriteLine($"No memories of {user} match.");
            return 0;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"#",3}  {"score",7}  {"kind",-10}  {"valid from",-10}  {"state",-10}  text"));
        for (int i = 0; i < hits.Length; i++)
        {
            JsonElement item = hits[i].GetProperty("item");
            string text = item.GetProperty("text").GetString()!.ReplaceLineEndings(" ");
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{i + 1,3}  {hits[i].GetProperty("score").GetDouble(),7:F4}  {item.GetProperty("kind").GetString(),-10}  " +
                $"{item.GetProperty("validFrom").GetDateTimeOffset().UtcDateTime,-10:yyyy-MM-dd}  " +
                $"{(hits[i].GetProperty("superseded").GetBoolean() ? "superseded" : "current"),-10}  {(text.Length > 100 ? text[..100] + "\u2026" : text)}"));
        }

        return 0;
    }

    private static async Task<int> ForgetAsync(string url, string? key, string user, bool yes, CancellationToken cancellationToken)
    {
        if (!yes)
        {
            throw new MyelinValidationException(
                "confirmation_required", $"Forgetting '{user}' deletes all of the user's memories and cannot be undone; pass --yes to confirm.");
        }

        using ServerConnection server = ServerConnection.Open(url, key);
        string answer = await server.SendAsync(HttpMethod.Delete, "/api/memory/users/" + Uri.EscapeDataString(user), null, cancellationToken);
        using JsonDocument result = JsonDocument.Parse(answer);
        JsonElement r = result.RootElement;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Forgot {user}: {r.GetProperty("items").GetInt64()} items, {r.GetProperty("historyEntries").GetInt64()} history entries, " +
            $"{r.GetProperty("quarantinedOutputs").GetInt64()} quarantined outputs removed, {r.GetProperty("logRecordsRedacted").GetInt64()} log records redacted; " +
            $"audit record {r.GetProperty("auditId").GetString()}."));
        return 0;
    }
}
