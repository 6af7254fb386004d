using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Myelin.Cli.Commands;

/// <summary><c>myelin eval run|compare</c>: start a scored run (<see cref="EvalRunCommand"/>); compare two stored runs item by item, with bootstrap intervals.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        Option<string> url = ServerConnection.UrlOption();
        Option<string?> key = ServerConnection.KeyOption();
        var baseline = new Option<string>("--baseline") { Description = "The baseline run id.", Required = true };
        var candidate = new Option<string>("--candidate") { Description = "The candidate run id.", Required = true };
        var seed = new Option<int>("--seed") { Description = "Bootstrap seed.", DefaultValueFactory = _ => 1 };
        var compare = new Command("compare", "Compare two experiment runs: per-metric deltas with paired-bootstrap 95% intervals.") { url, key, baseline, candidate, seed };
        compare.SetAction((r, ct) => CompareAsync(r.GetValue(url)!, r.GetValue(key), r.GetValue(baseline)!, r.GetValue(candidate)!, r.GetValue(seed), ct));
        return new Command("eval", "Evaluation runs on a running server.") { EvalRunCommand.Create(), compare };
    }

    private static async Task<int> CompareAsync(string url, string? key, string baseline, string candidate, int seed, CancellationToken cancellationToken)
    {
        using ServerConnection server = ServerConnection.Open(url, key);
        string body = await server.SendAsync(
            HttpMethod.Get,
            $"/api/experiments/compare?baseline={Uri.EscapeDataString(baseline)}&candidate={Uri.EscapeDataString(candidate)}&seed={seed.ToString(CultureInfo.InvariantCulture)}",
            null,
            cancellationToken);
        using JsonDocument comparison = JsonDocument.Parse(body);
        var table = new Table().AddColumns("metric", "baseline", "candidate", "delta", "95% interval", "improved", "regressed");
        foreach (JsonElement metric in comparison.RootElement.GetProperty("metrics").EnumerateArray())
        {
            table.AddRow(
                Markup.Escape(Text(metric, "metric")), Number(metric, "baselineMean"), Number(metric, "candidateMean"), Number(metric, "delta"),
                $"[{Number(metric, "ciLow")}, {Number(metric, "ciHigh")}]", Text(metric, "improved"), Text(metric, "regressed"));
        }

        AnsiConsole.Write(table);
        return 0;
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) ? value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText() : "-";

    private static string Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.TryGetDouble(out double d) ? d.ToString("F3", CultureInfo.InvariantCulture) : "-";
}
