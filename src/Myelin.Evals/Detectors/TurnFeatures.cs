using Myelin.Evals.Evaluators;
using Myelin.Evals.Internal;

namespace Myelin.Evals.Detectors;

/// <summary>
/// The features a <see cref="LearnedDetector"/> sees for one turn: the hand-tuned detector's score and evidence count, and
/// text features of the turn (confidence, relevance to the current and first question, length, novelty, what evidence exists).
/// </summary>
public static class TurnFeatures
{
    /// <summary>Feature names, in the order <see cref="Compute"/> writes them; stored with trained weights.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "detector_score", "evidence_count", "expressed_confidence", "token_confidence", "has_token_confidence", "relevance_current",
        "relevance_first", "log_answer_words", "answer_novelty", "has_expected", "has_context", "has_samples", "turn_position",
    ];

    /// <summary>Computes the features of turn <paramref name="index"/>, given the hand-tuned detector's finding on it.</summary>
    public static float[] Compute(Conversation conversation, int index, Finding finding)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(finding);
        ConversationTurn turn = conversation.Turns[index];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (ConversationTurn earlier in conversation.Turns.Take(index))
        {
            seen.UnionWith(TextTokens.Content(earlier.User));
            seen.UnionWith(TextTokens.Content(earlier.Assistant));
        }

        seen.UnionWith(TextTokens.Content(turn.User));
        HashSet<string> said = [.. TextTokens.Content(turn.Assistant)];
        double novelty = said.Count == 0 ? 0 : said.Count(w => !seen.Contains(w)) / (double)said.Count;
        return
        [
            (float)finding.Score,
            finding.Evidence.Count / 4f,
            (float)ConfidenceTrapDetector.ExpressedConfidence(turn.Assistant),
            (float)(turn.TokenConfidence ?? 0),
            turn.TokenConfidence is null ? 0 : 1,
            (float)AnswerRelevanceEvaluator.LexicalScore(turn.User, turn.Assistant),
            (float)AnswerRelevanceEvaluator.LexicalScore(conversation.Turns[0].User, turn.Assistant),
            MathF.Log(1 + TextTokens.Words(turn.Assistant).Count) / 5f,
            (float)novelty,
            turn.ExpectedOutput is null ? 0 : 1,
            turn.Context.Count == 0 ? 0 : 1,
            turn.Samples.Count == 0 ? 0 : 1,
            conversation.Turns.Count <= 1 ? 0 : index / (float)(conversation.Turns.Count - 1),
        ];
    }
}
