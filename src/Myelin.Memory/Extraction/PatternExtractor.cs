using System.Globalization;
using System.Text.RegularExpressions;
using Myelin.Memory.Internal;
using Myelin.Memory.Text;

namespace Myelin.Memory.Extraction;

/// <summary>The built-in extractor that needs no model: English statement patterns for identity, home, work,
/// preferences, diet and allergies, relations, plans and standing instructions, with dates resolved against the
/// turn's timestamp.</summary>
/// <remarks>
/// Only the user's own turns are read (an assistant's words are not facts about the user). Each slot-like statement
/// gets a subject (<c>location.home</c>, <c>work.job</c>, <c>opinion.jazz</c>, <c>relation.sister.mia</c>) so consolidation can tell a
/// restatement from a contradiction. Deterministic and thread-safe.
/// </remarks>
public sealed class PatternExtractor : IMemoryExtractor
{
    /// <inheritdoc />
    public string Name => "patterns";

    /// <inheritdoc />
    public Task<ExtractionOutcome> ExtractAsync(ExtractionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var found = new List<ExtractedMemory>();
        foreach (ExtractionTurn turn in request.Turns)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!turn.Role.Equals("user", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            string who = string.IsNullOrWhiteSpace(turn.Speaker) ? "The user" : turn.Speaker;
            foreach (string sentence in ExtractionPatterns.SentenceBreak().Split(turn.Text))
            {
                Extract(sentence, who, turn, found);
            }
        }

        return Task.FromResult(new ExtractionOutcome(found, 1, null));
    }

    private static void Extract(string sentence, string who, ExtractionTurn turn, List<ExtractedMemory> found)
    {
        DateTimeOffset? date = DateResolver.Resolve(sentence, turn.Timestamp);

        // A past date in the sentence ("I moved to Porto last week") is when the fact became true.
        DateTimeOffset? since = date is { } d && d <= turn.Timestamp ? d : null;

        void Add(MemoryKind kind, string text, string? subject, string? value, float importance, DateTimeOffset? validFrom) =>
            found.Add(new ExtractedMemory(kind, text, subject, value, validFrom, importance, turn.Offset));

        foreach (Match m in ExtractionPatterns.Identity().Matches(sentence))
        {
            Add(MemoryKind.Fact, $"{who}'s name is {V(m)}", "identity.name", V(m), 0.9f, since);
        }

        foreach (Match m in ExtractionPatterns.Age().Matches(sentence))
        {
            Add(MemoryKind.Fact, $"{who} is {V(m)} years old", "identity.age", V(m), 0.7f, since);
        }

        foreach (Match m in ExtractionPatterns.Home().Matches(sentence))
        {
            Add(MemoryKind.Fact, $"{who} lives in {V(m)}", "location.home", V(m), 0.8f, since);
        }

        foreach (Match m in ExtractionPatterns.Employer().Matches(sentence))
        {
            Add(MemoryKind.Fact, $"{who} works at {V(m)}", "work.employer", V(m), 0.8f, since);
        }

        foreach (Match m in ExtractionPatterns.Role().Matches(sentence))
        {
            Add(MemoryKind.Fact, $"{who} works as {V(m)}", "work.job", V(m), 0.8f, since);
        }

        foreach (Match m in ExtractionPatterns.Favourite().Matches(sentence))
        {
            string what = m.Groups["k"].Value.ToLowerInvariant();
            Add(MemoryKind.Preference, $"{who}'s favorite {what} is {V(m)}", "favorite." + Key(what), V(m), 0.6f, since);
        }

        AddOpinions(ExtractionPatterns.Likes(), "likes", sentence, who, Add, since);
        AddOpinions(ExtractionPatterns.Dislikes(), "dislikes", sentence, who, Add, since);

        foreach (Match m in ExtractionPatterns.Allergy().Matches(sentence))
        {
            Add(MemoryKind.Fact, $"{who} is allergic to {V(m)}", "health.allergy." + Key(V(m)), "allergic", 0.9f, since);
        }

        foreach (Match m in ExtractionPatterns.Diet().Matches(sentence))
        {
            Add(MemoryKind.Preference, $"{who} is {V(m).ToLowerInvariant()}", "diet", V(m).ToLowerInvariant(), 0.8f, since);
        }

        foreach (Match m in ExtractionPatterns.Relation().Matches(sentence))
        {
            string relation = m.Groups["rel"].Value.ToLowerInvariant();
            bool single = ExtractionPatterns.SingleRelation().IsMatch(relation);
            string subject = single ? "relation." + Key(relation) : "relation." + Key(relation) + "." + Key(V(m));
            Add(MemoryKind.Fact, $"{who}'s {relation} is {V(m)}", subject, V(m), 0.8f, since);
        }

        foreach (Match m in ExtractionPatterns.Plan().Matches(sentence))
        {
            string plan = V(m);
            string when = date is { } at ? " (" + at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ")" : string.Empty;
            Add(MemoryKind.Procedure, $"{who} plans to {plan}{when}", null, null, 0.7f, null);
        }

        foreach (Match m in ExtractionPatterns.Instruction().Matches(sentence))
        {
            string rule = m.Groups["p"].Value.ToLowerInvariant() + " " + V(m);
            Add(MemoryKind.Procedure, $"{who} wants the assistant to {rule}", "instruction." + Key(V(m)), rule, 0.8f, null);
        }
    }

    private static void AddOpinions(
        Regex pattern, string polarity, string sentence, string who,
        Action<MemoryKind, string, string?, string?, float, DateTimeOffset?> add, DateTimeOffset? since)
    {
        foreach (Match m in pattern.Matches(sentence))
        {
            string what = V(m);
            if (what.StartsWith("to ", StringComparison.OrdinalIgnoreCase))
            {
                what = what[3..];
            }

            string key = Key(what);
            if (key.Length > 0)
            {
                add(MemoryKind.Preference, $"{who} {polarity} {what}", "opinion." + key, polarity, 0.6f, since);
            }
        }
    }

    private static string V(Match m) => m.Groups["v"].Value.Trim();

    // The analysed terms make the key, so "hiking", "Hiking" and "hikes" fill the same slot.
    private static string Key(string text) => string.Join('_', TextAnalyzer.Default.Analyze(text));
}
