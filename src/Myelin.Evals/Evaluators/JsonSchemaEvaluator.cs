using System.Text.Json;
using Myelin.Evals.Internal;

namespace Myelin.Evals.Evaluators;

/// <summary>
/// <c>json_schema</c>: 1 when the answer is JSON valid against a schema. Supported keywords (a pragmatic subset of JSON
/// Schema): <c>type</c> (string or array), <c>required</c>, <c>properties</c>, <c>additionalProperties</c> (boolean),
/// <c>enum</c>, <c>const</c>, <c>items</c>, <c>minItems</c>/<c>maxItems</c>, <c>minimum</c>/<c>maximum</c>,
/// <c>minLength</c>/<c>maxLength</c>. Other keywords are refused when the schema is loaded, so nothing is silently ignored.
/// A Markdown code fence around the answer is tolerated.
/// </summary>
public sealed class JsonSchemaEvaluator : EvaluatorBase
{
    /// <summary>The metric name.</summary>
    public const string Metric = "json_schema";

    private readonly JsonSchemaValidator _validator;

    /// <summary>Creates the evaluator.</summary>
    /// <param name="schemaJson">The schema as JSON text.</param>
    /// <exception cref="ArgumentException">The schema is not JSON or uses an unsupported keyword (the message says which and where).</exception>
    public JsonSchemaEvaluator(string schemaJson)
        : base(Metric, 1.0)
    {
        ArgumentException.ThrowIfNullOrEmpty(schemaJson);
        _validator = JsonSchemaValidator.Load(schemaJson);
    }

    /// <inheritdoc />
    protected override EvaluationMetric Evaluate(EvaluationInput input, double threshold)
    {
        string text = StripFence(input.Output.Trim());
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            return EvaluationMetric.Scored(Metric, 0, threshold, "The answer is not JSON: " + e.Message);
        }

        using (doc)
        {
            List<string> errors = _validator.Validate(doc.RootElement);
            return errors.Count == 0
                ? EvaluationMetric.Scored(Metric, 1, threshold, "Valid against the schema.")
                : EvaluationMetric.Scored(Metric, 0, threshold, string.Join("; ", errors.Take(5)), value: errors.Count);
        }
    }

    private static string StripFence(string text)
    {
        if (!text.StartsWith("```", StringComparison.Ordinal) || !text.EndsWith("```", StringComparison.Ordinal) || text.Length < 6)
        {
            return text;
        }

        int newline = text.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? text : text[(newline + 1)..^3].Trim();
    }
}
