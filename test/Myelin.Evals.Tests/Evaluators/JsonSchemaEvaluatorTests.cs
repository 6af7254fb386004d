namespace Myelin.Evals.Evaluators;

public sealed class JsonSchemaEvaluatorTests
{
    private const string Schema = """
        {"type": "object", "required": ["name", "age"], "additionalProperties": false,
         "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 10},
            "age": {"type": "integer", "minimum": 0, "maximum": 150},
            "tags": {"type": "array", "maxItems": 2, "items": {"enum": ["a", "b"]}},
            "nick": {"type": ["string", "null"]}}}
        """;

    [Theory]
    [InlineData("""{"name": "Ada", "age": 36, "tags": ["a"], "nick": null}""", null)]
    [InlineData("```json\n{\"name\": \"Ada\", \"age\": 36}\n```", null)]
    [InlineData("""{"name": "Ada"}""", "(root): required property 'age' is missing")]
    [InlineData("""{"name": "", "age": 36}""", "/name: 0 is shorter than minLength 1")]
    [InlineData("""{"name": "Ada", "age": 36.5}""", "/age: expected integer, got number")]
    [InlineData("""{"name": "Ada", "age": 200}""", "/age: 200 is greater than maximum 150")]
    [InlineData("""{"name": "Ada", "age": 1, "tags": ["c"]}""", "/tags/0: \"c\" is not one of [\"a\", \"b\"]")]
    [InlineData("""{"name": "Ada", "age": 1, "tags": ["a", "b", "a"]}""", "/tags: 3 is more items than maxItems 2")]
    [InlineData("""{"name": "Ada", "age": 1, "extra": 1}""", "/extra: property 'extra' is not allowed")]
    [InlineData("""{"name": 5, "age": 1}""", "/name: expected string, got number")]
    [InlineData("""[]""", "(root): expected object, got array")]
    [InlineData("not json", "The answer is not JSON")]
    public async Task Validates_the_supported_keywords(string output, string? error)
    {
        EvaluationMetric metric = (await new JsonSchemaEvaluator(Schema).EvaluateAsync(new EvaluationInput { Output = output })).Get("json_schema");
        Assert.Equal(error is null, metric.Passed);
        if (error is not null)
        {
            Assert.Contains(error, metric.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Unsupported_keywords_are_refused_not_ignored()
    {
        var e = Assert.Throws<ArgumentException>(() => new JsonSchemaEvaluator("""{"properties": {"x": {"pattern": "^a"}}}"""));
        Assert.Contains("'pattern' at '#/properties/x'", e.Message, StringComparison.Ordinal);
    }
}
