using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace Myelin.Evals.Evaluators;

/// <summary>
/// <c>embedding_similarity</c>: cosine similarity of the answer's and the expected output's embeddings from any
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>; the score is the cosine clamped to [0, 1], the value the raw cosine.
/// </summary>
public sealed class EmbeddingSimilarityEvaluator : IEvaluator
{
    /// <summary>The metric name.</summary>
    public const string Metric = "embedding_similarity";

    private readonly IEmbeddingGenerator<string, Embedding<float>> _generator;
    private readonly double _passThreshold;

    /// <summary>Creates the evaluator.</summary>
    /// <param name="generator">The embedding model (not owned).</param>
    /// <param name="passThreshold">Similarity needed to pass (default 0.8).</param>
    public EmbeddingSimilarityEvaluator(IEmbeddingGenerator<string, Embedding<float>> generator, double passThreshold = 0.8)
    {
        _generator = generator ?? throw new ArgumentNullException(nameof(generator));
        ArgumentOutOfRangeException.ThrowIfLessThan(passThreshold, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(passThreshold, 1);
        _passThreshold = passThreshold;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> MetricNames { get; } = [Metric];

    /// <summary>Cosine similarity of two texts' embeddings.</summary>
    public static async Task<double> CosineAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator, string a, string b, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync([a, b], cancellationToken: cancellationToken).ConfigureAwait(false);
        if (embeddings.Count != 2 || embeddings[0].Vector.Length != embeddings[1].Vector.Length || embeddings[0].Vector.Length == 0)
        {
            throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} embeddings of mismatched or empty dimensions for 2 inputs.");
        }

        float cosine = TensorPrimitives.CosineSimilarity(embeddings[0].Vector.Span, embeddings[1].Vector.Span);
        return float.IsNaN(cosine) ? 0 : cosine;
    }

    /// <inheritdoc />
    public async Task<EvaluationResult> EvaluateAsync(EvaluationInput input, EvaluationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.ExpectedOutput is not { } expected)
        {
            return new EvaluationResult(EvaluationMetric.Failure(Metric, $"'{Metric}' needs an expected output and the item has none."));
        }

        double cosine = await CosineAsync(_generator, input.Output, expected, cancellationToken).ConfigureAwait(false);
        return new EvaluationResult(EvaluationMetric.Scored(Metric, Math.Max(0, cosine), options?.PassThreshold ?? _passThreshold, value: cosine));
    }
}
