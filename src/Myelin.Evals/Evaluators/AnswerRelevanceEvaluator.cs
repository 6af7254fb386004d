using Microsoft.Extensions.AI;
using Myelin.Evals.Internal;

namespace Myelin.Evals.Evaluators;

/// <summary>
/// <c>answer_relevance</c>: how well the answer addresses the question. With an embedding generator: the cosine of the
/// question's and the answer's embeddings (clamped to [0, 1]). Without: the share of the question's content words
/// (stop words removed) that the answer mentions.
/// </summary>
public sealed class AnswerRelevanceEvaluator : IEvaluator
{
    /// <summary>The metric name.</summary>
    public const string Metric = "answer_relevance";

    private readonly IEmbeddingGenerator<string, Embedding<float>>? _generator;
    private readonly double _passThreshold;

    /// <summary>Creates the evaluator.</summary>
    /// <param name="generator">Optional embedding model (not owned); null for lexical overlap.</param>
    /// <param name="passThreshold">Score needed to pass (default 0.5).</param>
    public AnswerRelevanceEvaluator(IEmbeddingGenerator<string, Embedding<float>>? generator = null, double passThreshold = 0.5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(passThreshold, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(passThreshold, 1);
        _generator = generator;
        _passThreshold = passThreshold;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> MetricNames { get; } = [Metric];

    /// <summary>The lexical relevance: share of the question's distinct content words present in the answer (1 for a question without any).</summary>
    public static double LexicalScore(string question, string answer)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(answer);
        HashSet<string> wanted = [.. TextTokens.Content(question)];
        if (wanted.Count == 0)
        {
            return 1;
        }

        HashSet<string> said = [.. TextTokens.Content(answer)];
        return wanted.Count(said.Contains) / (double)wanted.Count;
    }

    /// <inheritdoc />
    public async Task<EvaluationResult> EvaluateAsync(EvaluationInput input, EvaluationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (string.IsNullOrWhiteSpace(input.Input))
        {
            return new EvaluationResult(EvaluationMetric.Failure(Metric, $"'{Metric}' needs the question (input) and the item has none."));
        }

        double threshold = options?.PassThreshold ?? _passThreshold;
        if (_generator is null)
        {
            double lexical = LexicalScore(input.Input, input.Output);
            return new EvaluationResult(EvaluationMetric.Scored(Metric, lexical, threshold, "Share of the question's content words the answer mentions."));
        }

        double cosine = await EmbeddingSimilarityEvaluator.CosineAsync(_generator, input.Input, input.Output, cancellationToken).ConfigureAwait(false);
        return new EvaluationResult(EvaluationMetric.Scored(Metric, Math.Max(0, cosine), threshold, "Cosine of question and answer embeddings.", cosine));
    }
}
