using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Myelin.Server.Http;

/// <summary>
/// Listens to every <c>Myelin.*</c> meter and renders the current values in the Prometheus text format: counters as
/// totals, gauges as their last value, histograms as cumulative buckets (from the instrument's advice) with sum and count.
/// </summary>
/// <remarks>Thread-safe: measurements arrive on any thread; rendering takes a consistent copy per series.</remarks>
public sealed class MetricsCollector : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(Instrument Instrument, string Labels), Series> _series = new();

    /// <summary>Starts listening.</summary>
    public MetricsCollector()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name.StartsWith("Myelin", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<float>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    /// <summary>The Prometheus text exposition of everything recorded so far.</summary>
    public string Render()
    {
        _listener.RecordObservableInstruments();
        var text = new StringBuilder(4096);
        // Instruments of the same name from several meters (one per served model) form one metric with per-model labels.
        foreach (IGrouping<string, KeyValuePair<(Instrument Instrument, string Labels), Series>> group in
                 _series.GroupBy(s => PrometheusName(s.Key.Instrument)).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            Instrument instrument = group.First().Key.Instrument;
            string name = group.Key;
            string type = instrument switch
            {
                Histogram<double> or Histogram<long> or Histogram<int> or Histogram<float> => "histogram",
                Counter<long> or Counter<double> or Counter<int> or ObservableCounter<long> or ObservableCounter<double> => "counter",
                _ => "gauge",
            };
            text.Append("# HELP ").Append(name).Append(' ').Append(instrument.Description?.Replace('\n', ' ')).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            foreach (((_, string labels), Series series) in group.OrderBy(s => s.Key.Labels, StringComparer.Ordinal))
            {
                series.Render(text, type == "counter" && !name.EndsWith("_total", StringComparison.Ordinal) ? name + "_total" : name, labels);
            }
        }

        return text.ToString();
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string labels = Labels(tags);
        Series series = _series.GetOrAdd((instrument, labels), key => new Series(key.Instrument));
        series.Add(value);
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return string.Empty;
        }

        var parts = new List<string>(tags.Length);
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            string value = Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? string.Empty;
            parts.Add(Sanitise(tag.Key) + "=\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
                .Replace("\n", "\\n", StringComparison.Ordinal) + "\"");
        }

        parts.Sort(StringComparer.Ordinal);
        return string.Join(',', parts);
    }

    private static string PrometheusName(Instrument instrument)
    {
        string unit = instrument.Unit switch
        {
            "s" => "_seconds",
            "ms" => "_milliseconds",
            "By" => "_bytes",
            "1" => "_ratio",
            _ => string.Empty,
        };
        return Sanitise(instrument.Name) + unit;
    }

    private static string Sanitise(string name)
    {
        var text = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            text.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        return text.ToString();
    }

    /// <summary>One time series: a running sum and count, the last value, and bucket counts for histograms.</summary>
    private sealed class Series
    {
        private readonly double[]? _bounds;
        private readonly long[]? _buckets;
        private readonly object _lock = new();
        private double _sum;
        private long _count;
        private double _last;

        public Series(Instrument instrument)
        {
            _bounds = instrument switch
            {
                Histogram<double> h => h.Advice?.HistogramBucketBoundaries?.ToArray(),
                Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
                _ => null,
            };
            if (_bounds is null && instrument is Histogram<double> or Histogram<long>)
            {
                _bounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
            }

            _buckets = _bounds is null ? null : new long[_bounds.Length + 1];
        }

        public void Add(double value)
        {
            lock (_lock)
            {
                _sum += value;
                _count++;
                _last = value;
                if (_bounds is not null)
                {
                    int index = Array.BinarySearch(_bounds, value);
                    _buckets![index >= 0 ? index : ~index]++;
                }
            }
        }

        public void Render(StringBuilder text, string name, string labels)
        {
            lock (_lock)
            {
                if (_bounds is not null)
                {
                    long cumulative = 0;
                    for (int i = 0; i <= _bounds.Length; i++)
                    {
                        cumulative += _buckets![i];
                        string le = i < _bounds.Length ? _bounds[i].ToString("R", CultureInfo.InvariantCulture) : "+Inf";
                        text.Append(name).Append("_bucket{").Append(labels).Append(labels.Length > 0 ? "," : string.Empty)
                            .Append("le=\"").Append(le).Append("\"} ").Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
                    }

                    Line(text, name + "_sum", labels, _sum);
                    Line(text, name + "_count", labels, _count);
                    return;
                }

                bool counter = name.EndsWith("_total", StringComparison.Ordinal);
                Line(text, name, labels, counter ? _sum : _last);
            }
        }

        private static void Line(StringBuilder text, string name, string labels, double value) =>
            text.Append(name).Append(labels.Length > 0 ? "{" + labels + "}" : string.Empty).Append(' ')
                .Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
    }
}
