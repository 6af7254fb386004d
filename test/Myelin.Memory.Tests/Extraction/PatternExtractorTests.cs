namespace Myelin.Memory.Extraction;

public sealed class PatternExtractorTests
{
    private static readonly DateTimeOffset s_now = new(2025, 3, 12, 15, 30, 0, TimeSpan.Zero);
    private static readonly MemoryScope s_scope = new(TestStore.TenantA, "alice");

    private static async Task<IReadOnlyList<ExtractedMemory>> ExtractAsync(string text, string role = "user")
    {
        ExtractionOutcome outcome = await new PatternExtractor().ExtractAsync(
            new ExtractionRequest(s_scope, [new ExtractionTurn(42, role, "Alice", text, s_now)]));
        Assert.Null(outcome.Quarantined);
        return outcome.Memories;
    }

    [Fact]
    public async Task Finds_identity_home_and_work_with_subjects()
    {
        IReadOnlyList<ExtractedMemory> found = await ExtractAsync(
            "Hi! My name is Alice Moreau. I live in Lyon and I work at Renault. I work as a data analyst.");

        Assert.Contains(found, m => m.Subject == "identity.name" && m.Value == "Alice Moreau");
        Assert.Contains(found, m => m.Subject == "location.home" && m.Value == "Lyon" && m.Text == "Alice lives in Lyon");
        Assert.Contains(found, m => m.Subject == "work.employer" && m.Value == "Renault");
        Assert.Contains(found, m => m.Subject == "work.job" && m.Value == "data analyst");
        Assert.All(found, m => Assert.Equal(42, m.SourceOffset));
    }

    [Fact]
    public async Task Dates_a_move_by_the_time_phrase_in_the_sentence()
    {
        ExtractedMemory moved = Assert.Single(await ExtractAsync("I just moved to Porto 2 weeks ago."));

        Assert.Equal("location.home", moved.Subject);
        Assert.Equal("Porto", moved.Value);
        Assert.Equal(new DateTimeOffset(2025, 2, 26, 0, 0, 0, TimeSpan.Zero), moved.ValidFrom);
    }

    [Fact]
    public async Task Likes_and_dislikes_of_the_same_thing_fill_the_same_slot()
    {
        ExtractedMemory like = Assert.Single(await ExtractAsync("I really love hiking."));
        ExtractedMemory dislike = Assert.Single(await ExtractAsync("Honestly I hate hiking now"));

        Assert.Equal("opinion.hike", like.Subject);
        Assert.Equal(like.Subject, dislike.Subject);
        Assert.Equal("likes", like.Value);
        Assert.Equal("dislikes", dislike.Value);
        Assert.Equal(MemoryKind.Preference, like.Kind);
    }

    [Fact]
    public async Task Finds_favourites_relations_diet_and_allergies()
    {
        IReadOnlyList<ExtractedMemory> found = await ExtractAsync(
            "My favorite color is green. My sister is called Mia. My wife Sara is a nurse. I'm vegetarian. I'm allergic to peanuts.");

        Assert.Contains(found, m => m.Subject == "favorite.color" && m.Value == "green");
        Assert.Contains(found, m => m.Subject == "relation.sister.mia" && m.Value == "Mia");
        Assert.Contains(found, m => m.Subject == "relation.wife" && m.Value == "Sara");
        Assert.Contains(found, m => m.Subject == "diet" && m.Value == "vegetarian");
        Assert.Contains(found, m => m.Subject == "health.allergy.peanut");
    }

    [Fact]
    public async Task Plans_carry_the_resolved_date()
    {
        ExtractedMemory plan = Assert.Single(await ExtractAsync("I'm going to visit my parents in Rome next Friday."));

        Assert.Equal(MemoryKind.Procedure, plan.Kind);
        Assert.Equal("Alice plans to visit my parents in Rome next Friday (2025-03-14)", plan.Text);
    }

    [Fact]
    public async Task Ignores_assistant_turns()
    {
        Assert.Empty(await ExtractAsync("I live in Lyon", role: "assistant"));
    }
}
