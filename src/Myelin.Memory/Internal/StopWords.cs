using System.Collections.Frozen;

namespace Myelin.Memory.Internal;

/// <summary>English function words that carry no topic; first-person pronouns are among them because the analyzer
/// indexes the speaker's name instead.</summary>
internal static class StopWords
{
    public static readonly FrozenSet<string> English = FrozenSet.Create(
        StringComparer.Ordinal,
        "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at", "be",
        "because", "been", "being", "below", "between", "both", "but", "by", "can", "could", "d", "did", "do", "does",
        "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her",
        "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself",
        "just", "ll", "m", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once",
        "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "re", "s", "same", "she", "should",
        "so", "some", "such", "t", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there",
        "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "us", "ve", "very", "was",
        "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you",
        "your", "yours", "yourself", "yourselves", "tell", "know", "remember", "please", "ok", "okay", "yes", "yeah");
}
