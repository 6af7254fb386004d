namespace Myelin.Evals.Evaluators;

public sealed class MatchEvaluatorTests
{
    [Fact]
    public async Task Exact_match_normalises_whitespace_and_optionally_case()
    {
        EvaluationInput input = new() { Output = "  Paris\n is ", ExpectedOutput = "Paris is" };
        Assert.Equal(1.0, (await new ExactMatchEvaluator().EvaluateAsync(input)).Get("exact_match").Score);
        Assert.Equal(0.0, (await new ExactMatchEvaluator().EvaluateAsync(input with { ExpectedOutput = "paris is" })).Get("exact_match").Score);
        Assert.Equal(1.0, (await new ExactMatchEvaluator(ignoreCase: true).EvaluateAsync(input with { ExpectedOutput = "paris is" })).Get("exact_match").Score);
    }

    [Fact]
    public async Task Contains_scores_the_share_of_phrases_present()
    {
        EvaluationMetric metric = (await new ContainsEvaluator(["paris", "france", "1889"]).EvaluateAsync(new EvaluationInput { Output = "Paris, France." })).Get("contains");
        Assert.Equal(2.0 / 3, metric.Score!.Value, 12);
        Assert.False(metric.Passed);
        Assert.Equal("Missing: '1889'.", metric.Reason);
        Assert.True((await new ContainsEvaluator().EvaluateAsync(new EvaluationInput { Output = "It is Paris.", ExpectedOutput = "paris" })).Get("contains").Passed);
    }

    [Fact]
    public async Task Regex_matches_the_answer()
    {
        var regex = new RegexEvaluator(@"^\d{4}-\d{2}-\d{2}$");
        Assert.True((await regex.EvaluateAsync(new EvaluationInput { Output = "2024-02-29" })).Get("regex").Passed);
        Assert.False((await regex.EvaluateAsync(new EvaluationInput { Output = "Feb 29" })).Get("regex").Passed);
        Assert.ThrowsAny<ArgumentException>(() => new RegexEvaluator("("));
    }

    [Theory]
    [InlineData("The total is 1,234.5 dollars", "1234.4", 0.2, 0.0, true)]
    [InlineData("About 105", "100", 0.0, 0.05, true)]
    [InlineData("About 106", "100", 0.0, 0.05, false)]
    [InlineData("-3e2 degrees", "-300", 1e-9, 0.0, true)]
    [InlineData("no idea", "42", 1.0, 0.0, false)]
    public async Task Numeric_tolerance_reads_the_first_number(string output, string expected, double absolute, double relative, bool passes)
    {
        EvaluationMetric metric = (await new NumericToleranceEvaluator(absolute, relative).EvaluateAsync(new EvaluationInput { Output = output, ExpectedOutput = expected })).Get("numeric");
        Assert.Equal(passes, metric.Passed);
    }

    [Fact]
    public async Task Numeric_reports_the_absolute_error_and_refuses_expected_without_number()
    {
        EvaluationMetric metric = (await new NumericToleranceEvaluator(0.5).EvaluateAsync(new EvaluationInput { Output = "7.25", ExpectedOutput = "7" })).Get("numeric");
        Assert.Equal(0.25, metric.Value!.Value, 12);
        Assert.True((await new NumericToleranceEvaluator().EvaluateAsync(new EvaluationInput { Output = "7", ExpectedOutput = "seven" })).Get("numeric").IsFailure);
    }
}
