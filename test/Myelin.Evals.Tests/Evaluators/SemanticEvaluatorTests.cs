namespace Myelin.Evals.Evaluators;

public sealed class SemanticEvaluatorTests
{
    private const string Context = "Paris is the capital of France. The Eiffel Tower was completed in 1889.";

    [Fact]
    public async Task Embedding_similarity_is_the_cosine()
    {
        var generator = new TestEmbeddingGenerator { EmbedCallback = text => text == "a" ? [1, 0] : [0.6f, 0.8f] };
        EvaluationMetric metric = (await new EmbeddingSimilarityEvaluator(generator).EvaluateAsync(new EvaluationInput { Output = "a", ExpectedOutput = "b" })).Get("embedding_similarity");
        Assert.Equal(0.6, metric.Score!.Value, 6);
        Assert.False(metric.Passed);
    }

    [Fact]
    public async Task Groundedness_counts_claims_supported_by_the_context()
    {
        EvaluationInput input = new()
        {
            Input = "Tell me about Paris.",
            Output = "Paris is the capital of France. The tower was built by aliens in 1650.",
            Context = [Context],
        };
        EvaluationMetric metric = (await new GroundednessEvaluator().EvaluateAsync(input)).Get("groundedness");
        Assert.Equal(0.5, metric.Score);
        Assert.Equal(1, metric.Value);
        Assert.Contains("The tower was built by aliens in 1650", metric.Reason, StringComparison.Ordinal);

        EvaluationMetric clauses = (await new GroundednessEvaluator().EvaluateAsync(input with { Output = "Paris is the capital of France, but the Eiffel Tower was completed in 1889." })).Get("groundedness");
        Assert.Equal(1.0, clauses.Score);
        Assert.True((await new GroundednessEvaluator().EvaluateAsync(input with { Context = [] })).Get("groundedness").IsFailure);
    }

    [Fact]
    public async Task Answer_relevance_measures_question_coverage()
    {
        var relevance = new AnswerRelevanceEvaluator();
        Assert.Equal(1.0, (await relevance.EvaluateAsync(new EvaluationInput { Input = "What is the capital of France?", Output = "Paris is the capital of France." })).Get("answer_relevance").Score);
        Assert.Equal(0.0, (await relevance.EvaluateAsync(new EvaluationInput { Input = "What is the capital of France?", Output = "I like turtles." })).Get("answer_relevance").Score);
        var generator = new TestEmbeddingGenerator { EmbedCallback = text => text.StartsWith("What", StringComparison.Ordinal) ? [1, 0] : [0.8f, 0.6f] };
        Assert.Equal(0.8, (await new AnswerRelevanceEvaluator(generator).EvaluateAsync(new EvaluationInput { Input = "What?", Output = "x" })).Get("answer_relevance").Score!.Value, 6);
    }

    [Fact]
    public async Task A_custom_evaluator_is_just_the_interface()
    {
        IEvaluator custom = new LengthEvaluator();
        EvaluationMetric metric = (await custom.EvaluateAsync(new EvaluationInput { Output = "four" })).Get("short");
        Assert.True(metric.Passed);
    }

    private sealed class LengthEvaluator : IEvaluator
    {
        public IReadOnlyList<string> MetricNames { get; } = ["short"];

        public Task<EvaluationResult> EvaluateAsync(EvaluationInput input, EvaluationOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new EvaluationResult(EvaluationMetric.Scored("short", input.Output.Length <= 10 ? 1 : 0, 1)));
    }
}
