using System.Globalization;
using System.Text.Json;
using Myelin.Core;

namespace Myelin.Cli.Commands;

/// <summary>
/// One <c>--gate</c> bound: <c>METRIC.mean&gt;=0.8</c>, <c>METRIC.pass_rate&gt;=0.9</c> or <c>METRIC.failures&lt;=0</c>
/// (a bare <c>METRIC&gt;=0.8</c> bounds the mean).
/// </summary>
internal sealed record GateSpec(string Metric, string Statistic, double Bound)
{
    public static GateSpec Parse(string text)
    {
        int ge = text.IndexOf(">=", StringComparison.Ordinal);
        int le = text.IndexOf("<=", StringComparison.Ordinal);
        int at = ge >= 0 ? ge : le;
        if (at <= 0 || !double.TryParse(text[(at + 2)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double bound))
        {
            throw Invalid(text);
        }

        string left = text[..at].Trim();
        int dot = left.LastIndexOf('.');
        (string metric, string statistic) = dot > 0 && left[(dot + 1)..] is "mean" or "pass_rate" or "failures" ? (left[..dot], left[(dot + 1)..]) : (left, "mean");
        bool atMost = statistic == "failures";
        if (atMost != (le >= 0 && ge < 0) || metric.Length == 0 || bound < 0 || (!atMost && bound > 1) || (atMost && bound != Math.Floor(bound)))
        {
            throw Invalid(text);
        }

        return new GateSpec(metric, statistic, bound);
    }

    public void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("metric", Metric);
        switch (Statistic)
        {
            case "mean":
                writer.WriteNumber("minMean", Bound);
                break;
            case "pass_rate":
                writer.WriteNumber("minPassRate", Bound);
                break;
            default:
                writer.WriteNumber("maxFailures", (int)Bound);
                break;
        }

        writer.WriteEndObject();
    }

    private static MyelinValidationException Invalid(string text) => new(
        "invalid_option",
        $"--gate: '{text}' is not METRIC.mean>=X, METRIC.pass_rate>=X (X from 0 to 1) or METRIC.failures<=N.");
}
