using System.Globalization;
using System.Text;

namespace Myelin.Models.Tokenization;

/// <summary>
/// A seeded, English-like training text for vocabularies: sentences from a fixed lexicon with numbers, punctuation,
/// dates, a little code and some non-ASCII words, so learned merges look like a real tokenizer's.
/// </summary>
public static class TrainingCorpus
{
    private static readonly string[] s_subjects =
    [
        "the model", "our agent", "the user", "a small team", "the server", "this system", "the planner", "every tenant",
        "the assistant", "my friend", "the researcher", "a new version", "the memory", "the engine", "she", "he", "they", "we", "I",
    ];

    private static readonly string[] s_verbs =
    [
        "remembers", "answers", "checks", "learns", "writes", "reads", "stores", "returns", "improves", "measures", "builds",
        "explains", "predicts", "compares", "records", "forgets", "retrieves", "serves", "trains", "evaluates", "likes", "prefers",
    ];

    private static readonly string[] s_objects =
    [
        "the question", "a long answer", "every request", "the training data", "their preferences", "the latest results",
        "a shared prefix", "the cache", "the golden dataset", "a new checkpoint", "the weather in Paris", "coffee with milk",
        "the meeting on Friday", "the report", "a simple plan", "the history of each item", "its own mistakes", "the tokens",
    ];

    private static readonly string[] s_tails =
    [
        "before the deadline", "without any help", "across sessions", "in under a second", "with great care", "every morning",
        "after the update", "for the first time", "on the second attempt", "when it is asked", "because it matters",
    ];

    private static readonly string[] s_extras =
    [
        "café", "naïve", "résumé", "Zürich", "São Paulo", "東京", "München", "über", "piñata", "coöperate", "—", "…", "€",
    ];

    private static readonly string[] s_code =
    [
        "var x = 42;", "if (count > 0) { return true; }", "for (int i = 0; i < n; i++)", "def train(model, data):",
        "SELECT id, name FROM users WHERE id = 7;", "return a + b * c;", "{\"role\": \"user\", \"content\": \"hello\"}",
    ];

    /// <summary>About 40 KB of text, identical for the same seed.</summary>
    public static string Generate(int seed, int sentences = 600)
    {
        var random = new Random(seed);
        var text = new StringBuilder(sentences * 64);
        for (int i = 0; i < sentences; i++)
        {
            string sentence = $"{Pick(random, s_subjects)} {Pick(random, s_verbs)} {Pick(random, s_objects)} {Pick(random, s_tails)}";
            text.Append(char.ToUpperInvariant(sentence[0])).Append(sentence, 1, sentence.Length - 1);
            switch (random.Next(8))
            {
                case 0:
                    text.Append(CultureInfo.InvariantCulture, $", on {2020 + random.Next(7)}-{1 + random.Next(12):D2}-{1 + random.Next(28):D2}");
                    break;
                case 1:
                    text.Append(CultureInfo.InvariantCulture, $" ({random.Next(1000)} times, {random.NextDouble() * 100:F1}%)");
                    break;
                case 2:
                    text.Append(" near ").Append(Pick(random, s_extras));
                    break;
                default:
                    break;
            }

            text.Append(random.Next(6) switch { 0 => "?", 1 => "!", _ => "." });
            text.Append(random.Next(5) == 0 ? "\n" : " ");
            if (random.Next(20) == 0)
            {
                text.Append(Pick(random, s_code)).Append('\n');
            }
        }

        return text.ToString();
    }

    private static string Pick(Random random, string[] words) => words[random.Next(words.Length)];
}
