using System.Globalization;
using Myelin.Core;

namespace Myelin.Evals.Traces;

/// <summary>A trace-list filter on a stored score: traces with a turn whose <see cref="Name"/> score compares true against <see cref="Value"/>.</summary>
/// <param name="Name">Metric name or finding kind.</param>
/// <param name="Operator">One of <c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c>.</param>
/// <param name="Value">The bound.</param>
public sealed record ScoreFilter(string Name, string Operator, double Value)
{
    private static readonly string[] s_operators = ["<=", ">=", "<", ">"];

    /// <summary>Parses <c>name&lt;0.5</c>, <c>name&gt;=0.8</c> and the like.</summary>
    /// <exception cref="MyelinValidationException">The text is not a name, an operator and a number in [0, 1].</exception>
    public static ScoreFilter Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (string op in s_operators)
        {
            int at = text.IndexOf(op, StringComparison.Ordinal);
            if (at <= 0)
            {
                continue;
            }

            string name = text[..at].Trim();
            string number = text[(at + op.Length)..].Trim();
            if (name.Length > 0 && name.Length <= 128 && !name.Any(c => c is '<' or '>' or '=')
                && double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value is >= 0 and <= 1)
            {
                return new ScoreFilter(name, op, value);
            }

            break;
        }

        throw new MyelinValidationException(
            "invalid_score_filter", $"'score' must look like 'answer_relevance<0.5' (name, one of < <= > >=, a number from 0 to 1), got '{text}'.");
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}{Operator}{Value}");
}
