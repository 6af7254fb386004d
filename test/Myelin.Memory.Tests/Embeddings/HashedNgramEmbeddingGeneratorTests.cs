using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace Myelin.Memory.Embeddings;

public sealed class HashedNgramEmbeddingGeneratorTests
{
    private readonly HashedNgramEmbeddingGenerator _generator = new(256);

    [Fact]
    public async Task Produces_unit_vectors_of_the_configured_size()
    {
        GeneratedEmbeddings<Embedding<float>> result = await _generator.GenerateAsync(["I moved to Lisbon last week", "hello"]);

        Assert.Equal(2, result.Count);
        foreach (Embedding<float> e in result)
        {
            Assert.Equal(256, e.Vector.Length);
            Assert.Equal(1f, TensorPrimitives.Norm(e.Vector.Span), 3);
        }
    }

    [Fact]
    public void Is_deterministic_and_gives_empty_text_a_zero_vector()
    {
        Assert.Equal(_generator.Embed("plays the violin"), _generator.Embed("plays the violin"));
        Assert.All(_generator.Embed("the of and"), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Related_texts_are_closer_than_unrelated_ones()
    {
        float[] a = _generator.Embed("my daughter is learning to play the violin");
        float[] b = _generator.Embed("violin lessons for her daughter");
        float[] c = _generator.Embed("the quarterly tax report is due on friday");

        Assert.True(TensorPrimitives.Dot(a, b) > TensorPrimitives.Dot(a, c) + 0.2f);
    }

    [Fact]
    public void Reports_metadata()
    {
        var metadata = (EmbeddingGeneratorMetadata?)_generator.GetService(typeof(EmbeddingGeneratorMetadata));

        Assert.NotNull(metadata);
        Assert.Equal(256, metadata.DefaultModelDimensions);
        Assert.Equal(HashedNgramEmbeddingGenerator.ModelId, metadata.DefaultModelId);
    }
}
