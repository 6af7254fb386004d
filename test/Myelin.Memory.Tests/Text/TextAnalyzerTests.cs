namespace Myelin.Memory.Text;

public sealed class TextAnalyzerTests
{
    [Fact]
    public void Folds_case_drops_stop_words_and_stems()
    {
        IReadOnlyList<string> terms = TextAnalyzer.Default.Analyze("I'm LIVING in the Cities of Zürich!");

        Assert.Equal(["live", "citi", "zurich"], terms);
    }

    [Fact]
    public void Adds_speaker_name_terms_to_a_turn()
    {
        IReadOnlyList<string> terms = TextAnalyzer.Default.AnalyzeTurn("I like jazz", "Alice Smith");

        Assert.Equal(["like", "jazz", "alic", "smith"], terms);
    }

    [Fact]
    public void Query_and_document_meet_on_the_same_stems()
    {
        IReadOnlyList<string> doc = TextAnalyzer.Default.Analyze("She adopted two dogs last spring");
        IReadOnlyList<string> query = TextAnalyzer.Default.Analyze("Which dog did she adopt?");

        Assert.Contains("dog", doc);
        Assert.Contains("adopt", doc);
        Assert.Subset(doc.ToHashSet(), query.ToHashSet());
    }

    [Fact]
    public void Empty_and_punctuation_only_text_has_no_terms()
    {
        Assert.Empty(TextAnalyzer.Default.Analyze(null));
        Assert.Empty(TextAnalyzer.Default.Analyze("  ?!... "));
    }
}
