namespace Myelin.Evals.Evaluators;

public sealed class LexicalMetricTests
{
    [Fact]
    public void Bleu_of_identical_text_is_one()
    {
        Assert.Equal(1.0, BleuEvaluator.Compute("the cat sat on the mat", "the cat sat on the mat"), 12);
    }

    [Fact]
    public void Bleu_clips_unigram_counts_papineni_example()
    {
        // Papineni et al. 2002: candidate of seven "the", reference "the cat is on the mat": clipped p1 = 2/7; c = 7 > r = 6, BP = 1.
        Assert.Equal(2.0 / 7, BleuEvaluator.Compute("the the the the the the the", "the cat is on the mat", maxOrder: 1, BleuSmoothing.None), 12);
    }

    [Fact]
    public void Bleu_brevity_penalty_applies_to_short_candidates()
    {
        // p1 = 3/3, p2 = (2+1)/(2+1) with add-one; BP = exp(1 - 6/3) = e^-1.
        Assert.Equal(Math.Exp(-1), BleuEvaluator.Compute("the cat sat", "the cat sat on the mat", maxOrder: 2, BleuSmoothing.AddOne), 12);
    }

    [Fact]
    public void Bleu_smoothing_changes_zero_higher_order_precisions()
    {
        // p1 = 3/4, p2 = 1/3, p3 = 0 -> 0.1/2, p4 = 0 -> 0.1/1 with epsilon smoothing; BP = 1.
        double expected = Math.Pow(0.75 * (1.0 / 3) * 0.05 * 0.1, 0.25);
        Assert.Equal(expected, BleuEvaluator.Compute("a b c d", "a b x d", 4, BleuSmoothing.Epsilon), 12);
        Assert.Equal(0.0, BleuEvaluator.Compute("a b c d", "a b x d", 4, BleuSmoothing.None));
        // Add-one: p2 = (1+1)/(3+1), p3 = 1/3, p4 = 1/2.
        Assert.Equal(Math.Pow(0.75 * 0.5 * (1.0 / 3) * 0.5, 0.25), BleuEvaluator.Compute("a b c d", "a b x d", 4, BleuSmoothing.AddOne), 12);
    }

    [Fact]
    public void RougeL_matches_lins_example()
    {
        // Lin 2004: reference "police killed the gunman"; S2 "police kill the gunman" has LCS 3 -> F = 3/4; S3 "the gunman kill police" has LCS 2 -> 1/2.
        Assert.Equal(0.75, RougeLEvaluator.Compute("police kill the gunman", "police killed the gunman"), 12);
        Assert.Equal(0.5, RougeLEvaluator.Compute("the gunman kill police", "police killed the gunman"), 12);
        // Recall-weighted: P = 3/6, R = 3/3, beta = 2 -> 5PR / (R + 4P) = 2.5 / 3.
        Assert.Equal(2.5 / 3, RougeLEvaluator.Compute("police the gunman was shot dead", "police the gunman", beta: 2), 12);
    }

    [Fact]
    public void Token_f1_follows_squad_normalisation()
    {
        // Articles and case dropped: [eiffel, tower, in, paris] vs [eiffel, tower]: P = 1/2, R = 1, F1 = 2/3.
        Assert.Equal(2.0 / 3, TokenF1Evaluator.Compute("Eiffel tower, in Paris!", "The Eiffel Tower"), 12);
        Assert.Equal(0.0, TokenF1Evaluator.Compute("London", "Paris"));
        Assert.Equal(1.0, TokenF1Evaluator.Compute("the", "a"));
    }

    [Fact]
    public async Task Evaluators_return_metrics_with_thresholds_and_failures()
    {
        EvaluationInput input = new() { Input = "q", Output = "police kill the gunman", ExpectedOutput = "police killed the gunman" };
        EvaluationMetric rouge = (await new RougeLEvaluator().EvaluateAsync(input)).Get("rouge_l");
        Assert.True(rouge.Passed);
        Assert.False((await new RougeLEvaluator().EvaluateAsync(input, new EvaluationOptions { PassThreshold = 0.9 })).Get("rouge_l").Passed);
        EvaluationMetric missing = (await new BleuEvaluator().EvaluateAsync(new EvaluationInput { Output = "x" })).Get("bleu");
        Assert.True(missing.IsFailure);
        Assert.Null(missing.Score);
        Assert.False(missing.Passed);
        Assert.Throws<ArgumentOutOfRangeException>(() => new EvaluationMetric("m") { Score = 1.5 });
    }
}
