using Myelin.Memory.Internal;

namespace Myelin.Memory.Text;

public sealed class PorterStemmerTests
{
    [Theory]
    [InlineData("caresses", "caress")]
    [InlineData("ponies", "poni")]
    [InlineData("cats", "cat")]
    [InlineData("feed", "feed")]
    [InlineData("agreed", "agre")]
    [InlineData("plastered", "plaster")]
    [InlineData("motoring", "motor")]
    [InlineData("sing", "sing")]
    [InlineData("conflated", "conflat")]
    [InlineData("hopping", "hop")]
    [InlineData("filing", "file")]
    [InlineData("happy", "happi")]
    [InlineData("relational", "relat")]
    [InlineData("conditional", "condit")]
    [InlineData("generalization", "gener")]
    [InlineData("hopeful", "hope")]
    [InlineData("goodness", "good")]
    [InlineData("adjustable", "adjust")]
    [InlineData("adoption", "adopt")]
    [InlineData("controll", "control")]
    [InlineData("running", "run")]
    [InlineData("lives", "live")]
    [InlineData("living", "live")]
    public void Stems_like_the_reference_implementation(string word, string stem)
    {
        Assert.Equal(stem, PorterStemmer.Stem(word));
    }

    [Fact]
    public void Leaves_short_words_and_non_letters_alone()
    {
        Assert.Equal("is", PorterStemmer.Stem("is"));
        Assert.Equal("2024", PorterStemmer.Stem("2024"));
    }
}
