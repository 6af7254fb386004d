using System.Globalization;
using System.Text;
using Myelin.Core;

namespace Myelin.Evals.Internal;

/// <summary>
/// RFC 4180 CSV: fields separated by commas, records by CRLF (a bare LF is accepted), fields holding commas, quotes or
/// line breaks enclosed in double quotes with inner quotes doubled.
/// </summary>
internal static class Rfc4180
{
    /// <summary>Parses every record; each comes with the line it starts on. Throws on unterminated or misplaced quotes.</summary>
    public static List<(int Line, List<string> Fields)> Parse(string text)
    {
        var records = new List<(int, List<string>)>();
        var fields = new List<string>();
        var field = new StringBuilder();
        int line = 1;
        int recordLine = 1;
        int i = 0;
        // Whether the current field was opened by a quote or holds text; a quote may only open a field that has neither.
        bool fieldStarted = false;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '"' && !fieldStarted)
            {
                int quoteLine = line;
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw Bad(quoteLine, fields.Count + 1, "the quoted field is never closed");
                    }

                    char q = text[i];
                    if (q == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    if (q == '\n')
                    {
                        line++;
                    }

                    field.Append(q);
                    i++;
                }

                fieldStarted = true;
                if (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                {
                    throw Bad(line, fields.Count + 1, $"unexpected '{text[i]}' after a closing quote (double a quote inside a quoted field)");
                }

                continue;
            }

            switch (c)
            {
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    fieldStarted = false;
                    i++;
                    break;
                case '\r' when i + 1 < text.Length && text[i + 1] == '\n':
                case '\n':
                    EndRecord();
                    i += c == '\r' ? 2 : 1;
                    line++;
                    recordLine = line;
                    break;
                case '"':
                    throw Bad(line, fields.Count + 1, "a quote inside an unquoted field (enclose the field in quotes and double the quote)");
                default:
                    field.Append(c);
                    fieldStarted = true;
                    i++;
                    break;
            }
        }

        if (fieldStarted || fields.Count > 0)
        {
            EndRecord();
        }

        return records;

        void EndRecord()
        {
            // A line with nothing on it is a blank line, not a record of one empty field.
            bool blank = fields.Count == 0 && !fieldStarted;
            fields.Add(field.ToString());
            field.Clear();
            if (!blank)
            {
                records.Add((recordLine, fields));
            }

            fields = [];
            fieldStarted = false;
        }
    }

    /// <summary>Appends one field, quoted when it holds a comma, a quote, a line break or leading/trailing spaces.</summary>
    public static void AppendField(StringBuilder builder, string value)
    {
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0 && (value.Length == 0 || (value[0] != ' ' && value[^1] != ' ')))
        {
            builder.Append(value);
            return;
        }

        builder.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }

    public static MyelinValidationException Bad(int line, int field, string problem) => new(
        "invalid_dataset_file", string.Create(CultureInfo.InvariantCulture, $"CSV line {line}, field {field}: {problem}."));
}
