using System.Globalization;
using System.Text;
using Myelin.Server.Endpoints;

namespace Myelin.Server.Dashboard;

/// <summary>Renders the status page: version, storage, counts, uptime.</summary>
internal static class StatusPage
{
    public static string Render(StatusOutput status)
    {
        var html = new StringBuilder();
        html.Append("<h1>Status</h1><div class=\"cards\">");
        Card(html, "Version", status.Version, "version");
        Card(html, "Tenant", status.Tenant, "tenant");
        Card(html, "Role", status.Role, "role");
        Card(html, "Storage", status.Storage, "storage");
        Card(html, "Location", status.Location, "location", small: true);
        Card(html, "Schema version", status.SchemaVersion.ToString(CultureInfo.InvariantCulture), "schema");
        Card(html, "Uptime", FormatUptime(TimeSpan.FromSeconds(status.UptimeSeconds)), "uptime");
        Card(html, "Log records", status.LogRecords.ToString("N0", CultureInfo.InvariantCulture), "log-records");
        Card(html, "Active API keys", status.ApiKeys.ToString("N0", CultureInfo.InvariantCulture), "api-keys");
        Card(html, "Blobs", $"{status.Blobs:N0} ({FormatBytes(status.BlobBytes)})", "blobs");
        html.Append("</div>");
        return html.ToString();
    }

    private static void Card(StringBuilder html, string label, string value, string id, bool small = false) =>
        html.Append("<div class=\"card\" data-testid=\"").Append(id).Append("\"><div class=\"label\">").Append(Layout.Encode(label))
            .Append(small ? "</div><div class=\"value small\">" : "</div><div class=\"value\">").Append(Layout.Encode(value)).Append("</div></div>");

    private static string FormatUptime(TimeSpan uptime) => uptime.TotalDays >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)uptime.TotalDays}d {uptime.Hours}h {uptime.Minutes}m")
        : string.Create(CultureInfo.InvariantCulture, $"{uptime.Hours}h {uptime.Minutes}m {uptime.Seconds}s");

    private static string FormatBytes(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1 << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F1} KiB"),
        < 1 << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:F1} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1073741824.0:F2} GiB"),
    };
}
