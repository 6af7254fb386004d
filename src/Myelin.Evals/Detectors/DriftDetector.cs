using System.Globalization;
using Myelin.Evals.Evaluators;
using Myelin.Evals.Internal;
using Myelin.Evals.Judges;

namespace Myelin.Evals.Detectors;

/// <summary>
/// <c>drift</c>: an answer moving away from what the user asked. Each answer's relevance to the current intent (the latest
/// user message with content words) and to the original intent (the first user message) is measured; the better of the two
/// counts, so a topic change the user asked for is not drift. Topic novelty (the share of the answer's content words found
/// in no earlier message, user or assistant, and not in the current question) adds to the score from the second turn on,
/// which catches unrequested topic shifts; a drop against the session's earlier relevance is reported as decay. With a
/// judge, the judge rates the answer's relevance to the current and the original intent (<see cref="DetectorRubrics.IntentRelevance"/>).
/// </summary>
public sealed class DriftDetector : DetectorBase
{
    /// <summary>Creates the detector.</summary>
    /// <param name="threshold">Flagging threshold (default 0.5).</param>
    /// <param name="judge">Optional judge of relevance to the current and original intent.</param>
    public DriftDetector(double threshold = 0.5, LlmJudge? judge = null)
        : base(FindingKinds.Drift, threshold, judge)
    {
    }

    /// <inheritdoc />
    protected override RubricTemplate JudgeRubric => DetectorRubrics.IntentRelevance;

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string?> JudgeVariables(Conversation conversation, int index) =>
        new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["input"] = CurrentIntent(conversation.Turns, index),
            ["context"] = conversation.Turns[0].User,
            ["output"] = conversation.Turns[index].Assistant,
        };

    /// <inheritdoc />
    protected override double ScoreTurn(Conversation conversation, int index, List<string> evidence)
    {
        IReadOnlyList<ConversationTurn> turns = conversation.Turns;
        string current = CurrentIntent(turns, index);
        string original = turns[0].User;
        double relCurrent = AnswerRelevanceEvaluator.LexicalScore(current, turns[index].Assistant);
        double relOriginal = AnswerRelevanceEvaluator.LexicalScore(original, turns[index].Assistant);
        // An answer opening with a pronoun ("It was completed ...", "She won ...") continues the subject under discussion.
        bool anaphora = TextTokens.Words(turns[index].Assistant).Take(3).Any(w => w is "it" or "its" or "she" or "her" or "he" or "his" or "they" or "their");
        double relevance = Math.Max(Math.Max(relCurrent, relOriginal), anaphora ? 0.5 : 0);
        double novelty = 0;
        if (index > 0)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (ConversationTurn earlier in turns.Take(index))
            {
                seen.UnionWith(TextTokens.Content(earlier.User));
                seen.UnionWith(TextTokens.Content(earlier.Assistant));
            }

            // New words the user brought in, and the answer took up, make new words in the answer expected: a requested topic
            // change is not drift. A new word the answer ignores ("How tall is it?" answered off topic) excuses nothing.
            HashSet<string> asked = [.. TextTokens.Content(turns[index].User)];
            double userNovelty = asked.Count == 0 ? 0 : asked.Count(w => !seen.Contains(w)) / (double)asked.Count;
            seen.UnionWith(asked);
            seen.UnionWith(turns[index].Context.SelectMany(TextTokens.Content));
            HashSet<string> said = [.. TextTokens.Content(turns[index].Assistant)];
            novelty = said.Count == 0 ? 0 : said.Count(w => !seen.Contains(w)) / (double)said.Count * (1 - (userNovelty * relCurrent));
        }

        double score = (0.65 * (1 - relevance)) + (0.35 * novelty);
        evidence.Add(string.Create(CultureInfo.InvariantCulture, $"relevance to current intent {relCurrent:0.00}, to original intent {relOriginal:0.00}"));
        if (novelty > 0.5)
        {
            evidence.Add(string.Create(CultureInfo.InvariantCulture, $"{novelty:P0} of the answer's content words are new to the session (unrequested topic shift)"));
        }

        if (index >= 2)
        {
            double earlier = Enumerable.Range(0, index)
                .Average(i => Math.Max(AnswerRelevanceEvaluator.LexicalScore(CurrentIntent(turns, i), turns[i].Assistant), AnswerRelevanceEvaluator.LexicalScore(original, turns[i].Assistant)));
            if (earlier - relevance > 0.3)
            {
                evidence.Add(string.Create(CultureInfo.InvariantCulture, $"relevance decayed from {earlier:0.00} on earlier turns to {relevance:0.00}"));
            }
        }

        return score;
    }

    private static string CurrentIntent(IReadOnlyList<ConversationTurn> turns, int index)
    {
        for (int i = index; i >= 0; i--)
        {
            if (TextTokens.Content(turns[i].User).Count > 0)
            {
                return turns[i].User;
            }
        }

        return turns[0].User;
    }
}
