using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Myelin.Core;

namespace Myelin.Cli.Commands;

/// <summary><c>myelin datasets import|export</c>: golden datasets on a running server, from and to JSONL or CSV files.</summary>
internal static class DatasetsCommand
{
    public static Command Create()
    {
        Option<string> url = ServerConnection.UrlOption();
        Option<string?> key = ServerConnection.KeyOption();
        var name = new Option<string>("--name") { Description = "Dataset name.", Required = true };
        var file = new Option<string>("--file") { Description = "A .jsonl or .csv file of items.", Required = true };
        var import = new Command("import", "Add a version to a dataset (created when missing) from a JSONL or CSV file.") { url, key, name, file };
        import.SetAction((r, ct) => ImportAsync(r.GetValue(url)!, r.GetValue(key), r.GetValue(name)!, r.GetValue(file)!, ct));

        var version = new Option<string>("--version") { Description = "Version id, number (v3) or 'latest'.", DefaultValueFactory = _ => "latest" };
        var format = new Option<string>("--format") { Description = "jsonl or csv.", DefaultValueFactory = _ => "jsonl" };
        var output = new Option<string?>("--out") { Description = "Write to this file instead of standard output." };
        var export = new Command("export", "Download a dataset version as JSONL or CSV.") { url, key, name, version, format, output };
        export.SetAction((r, ct) => ExportAsync(
            r.GetValue(url)!, r.GetValue(key), r.GetValue(name)!, r.GetValue(version)!, r.GetValue(format)!, r.GetValue(output), ct));
        return new Command("datasets", "Golden datasets on a running server.") { import, export };
    }

    private static async Task<int> ImportAsync(string url, string? key, string name, string path, CancellationToken cancellationToken)
    {
        string mediaType = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".jsonl" or ".ndjson" => "application/x-ndjson",
            ".csv" => "text/csv",
            _ => throw new MyelinValidationException("invalid_option", $"--file: '{path}' must end in .jsonl or .csv."),
        };
        if (!File.Exists(path))
        {
            throw new MyelinValidationException("invalid_option", $"--file: no file at '{path}'.");
        }

        using ServerConnection server = ServerConnection.Open(url, key);
        string escaped = Uri.EscapeDataString(name);
        try
        {
            using var create = new StringContent(JsonSerializer.Serialize(new Dictionary<string, string> { ["name"] = name }, CliJsonContext.Default.DictionaryStringString), Encoding.UTF8, "application/json");
            await server.SendAsync(HttpMethod.Post, "/api/datasets", create, cancellationToken);
        }
        catch (MyelinException ex) when (ex.Message.StartsWith("409", StringComparison.Ordinal))
        {
            // The dataset exists: add a version to it.
        }

        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(path, cancellationToken));
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        string body = await server.SendAsync(HttpMethod.Post, $"/api/datasets/{escaped}/versions", content, cancellationToken);
        using JsonDocument result = JsonDocument.Parse(body);
        JsonElement added = result.RootElement.GetProperty("version");
        bool created = result.RootElement.TryGetProperty("created", out JsonElement c) && c.ValueKind == JsonValueKind.True;
        Console.WriteLine($"{name}: version v{Text(added, "number")} ({Text(added, "id")}), {Text(added, "itemCount")} items{(created ? string.Empty : ", identical to an existing version")}");
        return 0;
    }

    private static async Task<int> ExportAsync(
        string url, string? key, string name, string version, string format, string? output, CancellationToken cancellationToken)
    {
        using ServerConnection server = ServerConnection.Open(url, key);
        string body = await server.SendAsync(
            HttpMethod.Get, $"/api/datasets/{Uri.EscapeDataString(name)}/versions/{Uri.EscapeDataString(version)}/export?format={Uri.EscapeDataString(format)}",
            null, cancellationToken);
        if (output is null)
        {
            Console.Write(body);
        }
        else
        {
            await File.WriteAllTextAsync(output, body, cancellationToken);
        }

        return 0;
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) ? value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText() : "?";
}
