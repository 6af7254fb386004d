using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using Myelin.Memory.Text;

namespace Myelin.Memory.Embeddings;

/// <summary>A built-in embedding that needs no model weights: analysed terms and character trigrams hashed into a
/// fixed number of signed dimensions, L2-normalised.</summary>
/// <remarks>
/// <para>Two texts that share stems or word pieces point the same way, which catches morphology and spelling
/// variation that exact terms miss; it does not know synonyms. Any <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>
/// can replace it.</para>
/// <para>Deterministic (FNV-1a hashing, no randomness) and thread-safe.</para>
/// </remarks>
public sealed class HashedNgramEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The default number of dimensions.</summary>
    public const int DefaultDimensions = 384;

    /// <summary>The model id reported in metadata and on embeddings.</summary>
    public const string ModelId = "myelin-hashed-ngram-v1";

    private const float TermWeight = 1.0f;
    private const float GramWeight = 0.35f;
    private readonly EmbeddingGeneratorMetadata _metadata;

    /// <summary>Creates a generator with <paramref name="dimensions"/> output dimensions (16 to 4096).</summary>
    public HashedNgramEmbeddingGenerator(int dimensions = DefaultDimensions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dimensions, 4096);
        Dimensions = dimensions;
        _metadata = new EmbeddingGeneratorMetadata("myelin", null, ModelId, dimensions);
    }

    /// <summary>The number of output dimensions.</summary>
    public int Dimensions { get; }

    /// <inheritdoc />
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var result = new GeneratedEmbeddings<Embedding<float>>();
        foreach (string value in values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            result.Add(new Embedding<float>(Embed(value)) { ModelId = ModelId });
        }

        return Task.FromResult(result);
    }

    /// <summary>Embeds one text synchronously (the work is CPU-only and short).</summary>
    public float[] Embed(string? text)
    {
        var vector = new float[Dimensions];
        foreach (string term in TextAnalyzer.Default.Analyze(text))
        {
            Add(vector, Hash(term, 0x811C9DC5u), TermWeight);
            if (term.Length >= 4)
            {
                string padded = "<" + term + ">";
                for (int i = 0; i + 3 <= padded.Length; i++)
                {
                    Add(vector, Hash(padded.AsSpan(i, 3), 0x9E3779B9u), GramWeight);
                }
            }
        }

        float norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }

        return vector;
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        return serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Holds no resources.
    }

    private void Add(float[] vector, uint hash, float weight)
    {
        // The top bit chooses the sign so that colliding features cancel on average instead of piling up.
        int index = (int)((hash & 0x7FFFFFFFu) % (uint)Dimensions);
        vector[index] += (hash & 0x80000000u) != 0 ? -weight : weight;
    }

    private static uint Hash(ReadOnlySpan<char> text, uint seed)
    {
        uint h = seed;
        foreach (char c in text)
        {
            h = (h ^ c) * 16777619u;
        }

        // Final avalanche (murmur3 fmix32) so short inputs spread over all dimensions.
        h ^= h >> 16;
        h *= 0x85EBCA6Bu;
        h ^= h >> 13;
        h *= 0xC2B2AE35u;
        h ^= h >> 16;
        return h;
    }
}
