using System.Text;
using System.Text.Json;
using Myelin.Core;
using Myelin.Evals.Internal;

namespace Myelin.Evals.Datasets;

/// <summary>
/// Dataset items as RFC 4180 CSV with a header row. Columns: <c>input</c> (required), <c>id</c>, <c>expected_output</c>
/// (also <c>expectedOutput</c>), <c>context</c> (one passage, or a JSON array of passages when the cell starts with
/// <c>[</c>); every other column is a metadata key. Empty cells mean "absent".
/// </summary>
/// <remarks>Reading is all or nothing: the first bad record throws and no items are returned.</remarks>
public static class DatasetCsv
{
    /// <summary>Parses CSV text.</summary>
    /// <exception cref="MyelinValidationException">The text is not valid; the message names the line and the field.</exception>
    public static IReadOnlyList<DatasetItem> Read(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        List<(int Line, List<string> Fields)> records = Rfc4180.Parse(text.StartsWith('\uFEFF') ? text[1..] : text);
        if (records.Count == 0)
        {
            throw new MyelinValidationException("invalid_dataset_file", "CSV line 1: the header row is missing (it must name an 'input' column).");
        }

        List<string> header = records[0].Fields;
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < header.Count; c++)
        {
            string name = Canonical(header[c].Trim());
            if (name.Length == 0)
            {
                throw Rfc4180.Bad(records[0].Line, c + 1, "the header names no column");
            }

            if (!columns.TryAdd(name, c))
            {
                throw Rfc4180.Bad(records[0].Line, c + 1, $"column '{name}' appears twice in the header");
            }
        }

        if (!columns.ContainsKey("input"))
        {
            throw new MyelinValidationException("invalid_dataset_file", $"CSV line {records[0].Line}: the header has no 'input' column.");
        }

        if (records.Count - 1 > DatasetCanonical.MaxItems)
        {
            throw new MyelinValidationException("too_many_items", $"A dataset version holds at most {DatasetCanonical.MaxItems} items, the CSV has {records.Count - 1}.");
        }

        var items = new List<DatasetItem>(records.Count - 1);
        for (int r = 1; r < records.Count; r++)
        {
            (int line, List<string> fields) = records[r];
            if (fields.Count != header.Count)
            {
                throw new MyelinValidationException(
                    "invalid_dataset_file", $"CSV line {line}: the record has {fields.Count} fields, the header has {header.Count}.");
            }

            items.Add(ReadRecord(line, fields, columns));
        }

        return items;
    }

    /// <summary>Writes items as CSV: <c>id,input,expected_output,context</c>, then one column per metadata key (sorted), CRLF line ends.</summary>
    public static string Write(IReadOnlyList<DatasetItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        string[] keys = [.. items.SelectMany(i => i.Metadata.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        var builder = new StringBuilder();
        WriteRow(builder, ["id", "input", "expected_output", "context", .. keys]);
        foreach (DatasetItem item in items)
        {
            string context = item.Context.Count switch
            {
                0 => string.Empty,
                1 when !item.Context[0].StartsWith('[') && item.Context[0].Length > 0 => item.Context[0],
                _ => JsonSerializer.Serialize(item.Context, EvalsJsonContext.Default.IReadOnlyListString),
            };
            WriteRow(builder, [
                item.Id ?? string.Empty, item.Input, item.ExpectedOutput ?? string.Empty, context,
                .. keys.Select(k => item.Metadata.TryGetValue(k, out string? v) ? v : string.Empty)]);
        }

        return builder.ToString();
    }

    private static DatasetItem ReadRecord(int line, List<string> fields, Dictionary<string, int> columns)
    {
        string? Cell(string name) => columns.TryGetValue(name, out int c) && fields[c].Length > 0 ? fields[c] : null;

        string? input = Cell("input");
        if (string.IsNullOrWhiteSpace(input))
        {
            throw Rfc4180.Bad(line, columns["input"] + 1, "'input' is required and must not be blank");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string name, int column) in columns)
        {
            if (name is not ("id" or "input" or "expected_output" or "context") && fields[column].Length > 0)
            {
                metadata[name] = fields[column];
            }
        }

        return new DatasetItem
        {
            Id = Cell("id"),
            Input = input,
            ExpectedOutput = Cell("expected_output"),
            Context = Cell("context") is { } context ? ReadContext(line, columns["context"] + 1, context) : [],
            Metadata = metadata,
        };
    }

    private static List<string> ReadContext(int line, int field, string cell)
    {
        if (!cell.StartsWith('['))
        {
            return [cell];
        }

        try
        {
            return JsonSerializer.Deserialize(cell, EvalsJsonContext.Default.ListString)
                ?? throw Rfc4180.Bad(line, field, "'context' is a JSON null; leave the cell empty instead");
        }
        catch (JsonException)
        {
            throw Rfc4180.Bad(line, field, "'context' starts with '[' but is not a JSON array of strings");
        }
    }

    private static string Canonical(string column) => column switch
    {
        "expectedOutput" or "expected" => "expected_output",
        _ => column,
    };

    private static void WriteRow(StringBuilder builder, IReadOnlyList<string> values)
    {
        for (int i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            Rfc4180.AppendField(builder, values[i]);
        }

        builder.Append("\r\n");
    }
}
