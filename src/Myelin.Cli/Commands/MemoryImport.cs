using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Myelin.Core;
using Myelin.Memory;

namespace Myelin.Cli.Commands;

/// <summary><c>myelin memory import</c>: streams a JSONL file of turns to <c>POST /api/memory/turns</c> in batches.</summary>
/// <remarks>
/// Every line of a batch is validated before the batch is sent, so a bad line stops the import with its line number
/// and nothing of its batch is stored (earlier batches are). Each turn carries an idempotency key derived from its
/// line number and content (unless the line gives one), so running the import again after fixing a line stores the
/// earlier turns once.
/// </remarks>
internal static class MemoryImport
{
    private static readonly HashSet<string> s_roles = new(StringComparer.Ordinal) { "user", "assistant", "system", "tool" };

    public static async Task<int> RunAsync(string url, string? key, string path, int batchSize, CancellationToken cancellationToken)
    {
        if (batchSize is < 1 or > 1000)
        {
            throw new MyelinValidationException("invalid_option", "--batch-size must be between 1 and 1000.");
        }

        if (!File.Exists(path))
        {
            throw new MyelinValidationException("invalid_option", $"no file at '{path}'.");
        }

        using ServerConnection server = ServerConnection.Open(url, key);
        using var reader = new StreamReader(path, Encoding.UTF8);
        var batch = new List<string>(batchSize);
        int lineNumber = 0, firstLine = 1;
        long stored = 0, duplicates = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (batch.Count == 0)
            {
                firstLine = lineNumber;
            }

            string? error = Turn(line, lineNumber, out string turn);
            if (error is not null)
            {
                throw new MyelinValidationException(
                    "invalid_import_line",
                    $"{path}:{lineNumber}: {error}; lines {firstLine}-{lineNumber} were not sent, {stored} turns before them were stored.");
            }

            batch.Add(turn);
            if (batch.Count == batchSize)
            {
                (long s, long d) = await SendAsync(server, batch, firstLine, lineNumber, cancellationToken);
                (stored, duplicates) = (stored + s, duplicates + d);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"line {lineNumber}: {stored + duplicates} turns sent"));
                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            (long s, long d) = await SendAsync(server, batch, firstLine, lineNumber, cancellationToken);
            (stored, duplicates) = (stored + s, duplicates + d);
        }

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture, $"Imported {stored} turns from {Path.GetFileName(path)} ({duplicates} already stored)."));
        return 0;
    }

    public static string Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static async Task<(long Stored, long Duplicates)> SendAsync(
        ServerConnection server, List<string> batch, int firstLine, int lastLine, CancellationToken cancellationToken)
    {
        string body = "{\"turns\":[" + string.Join(',', batch) + "]}";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        string answer;
        try
        {
            answer = await server.SendAsync(HttpMethod.Post, "/api/memory/turns", content, cancellationToken);
        }
        catch (MyelinException ex)
        {
            throw new MyelinException("import_failed", $"lines {firstLine}-{lastLine} were not stored: {ex.Message}");
        }

        using JsonDocument result = JsonDocument.Parse(answer);
        long duplicates = result.RootElement.GetProperty("turns").EnumerateArray().Count(t => t.GetProperty("duplicate").GetBoolean());
        return (batch.Count - duplicates, duplicates);
    }

    /// <summary>Validates one line and writes it as the server's turn object; returns the problem, or null.</summary>
    private static string? Turn(string line, int lineNumber, out string turn)
    {
        turn = string.Empty;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            return "not valid JSON (" + ex.Message.Split(" Path:", 2)[0].TrimEnd('.') + ")";
        }

        using (document)
        {
            JsonElement o = document.RootElement;
            if (o.ValueKind != JsonValueKind.Object)
            {
                return "each line must be a JSON object";
            }

            string? user = Text(o, "user"), role = Text(o, "role"), text = Text(o, "text"), agent = Text(o, "agent");
            string? session = Text(o, "session"), speaker = Text(o, "speaker"), key = Text(o, "idempotencyKey");
            string? timestamp = Text(o, "timestamp");
            if (!MemoryScope.IsValidId(user))
            {
                return "'user' must be 1-128 characters without control characters";
            }

            if (role is null || !s_roles.Contains(role))
            {
                return $"'role' must be user, assistant, system or tool, not '{role}'";
            }

            if (string.IsNullOrWhiteSpace(text) || text.Length > NewMemoryItem.MaxTextLength)
            {
                return $"'text' must be 1 to {NewMemoryItem.MaxTextLength} characters and not blank";
            }

            if ((agent is not null && !MemoryScope.IsValidId(agent)) || (session is not null && !MemoryScope.IsValidId(session)))
            {
                return "'agent' and 'session' must be 1-128 characters without control characters";
            }

            DateTimeOffset? at = null;
            if (timestamp is not null)
            {
                if (!DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset parsed))
                {
                    return $"'timestamp' '{timestamp}' is not an ISO 8601 time";
                }

                at = parsed;
            }

            key ??= "import-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(lineNumber.ToString(CultureInfo.InvariantCulture) + "\n" + line)))[..40];
            turn = Json(w =>
            {
                w.WriteStartObject();
                w.WriteString("userId", user);
                w.WriteString("role", role);
                w.WriteString("text", text);
                WriteIf(w, "speaker", speaker);
                WriteIf(w, "agentId", agent);
                WriteIf(w, "sessionId", session);
                if (at is { } time)
                {
                    w.WriteString("timestamp", time);
                }

                w.WriteString("idempotencyKey", key);
                w.WriteEndObject();
            });
            return null;
        }
    }

    private static string? Text(JsonElement o, string name) =>
        o.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static void WriteIf(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }
}
