using System.Globalization;
using Myelin.Evals.Evaluators;
using Myelin.Evals.Internal;
using Myelin.Evals.Judges;

namespace Myelin.Evals.Detectors;

/// <summary>
/// <c>confidence_trap</c>: confident language (or high token confidence) together with evidence of error. Confidence comes
/// from boosters and hedges in the answer, averaged with the mean token probability when the turn has one. Evidence of error
/// is the strongest of: mismatch with the golden answer (a differing number, or the golden answer's words missing),
/// ungrounded claims (share of claims the context does not support), and disagreement across sampled answers. The score
/// is confidence × error, so confident-and-correct and hedged-and-wrong answers both stay low. With a judge, the judge checks
/// correctness and groundedness (<see cref="DetectorRubrics.AnswerCorrectness"/>) and its error, times the same confidence,
/// is blended in.
/// </summary>
public sealed class ConfidenceTrapDetector : DetectorBase
{
    private static readonly string[] s_boosters =
    [
        "definitely", "certainly", "clearly", "without a doubt", "undoubtedly", "absolutely", "i am sure", "i'm sure", "i am certain",
        "i'm certain", "100%", "guaranteed", "of course", "no doubt", "for sure", "exactly", "always", "precisely", "the answer is",
    ];

    private static readonly string[] s_hedges =
    [
        "i think", "maybe", "perhaps", "might", "may be", "possibly", "probably", "not sure", "i believe", "it seems", "likely",
        "roughly", "approximately", "around", "not certain", "uncertain", "could be", "i guess", "if i recall", "unsure",
    ];

    /// <summary>Creates the detector.</summary>
    /// <param name="threshold">Flagging threshold (default 0.5).</param>
    /// <param name="judge">Optional judge of correctness and groundedness.</param>
    public ConfidenceTrapDetector(double threshold = 0.5, LlmJudge? judge = null)
        : base(FindingKinds.ConfidenceTrap, threshold, judge)
    {
    }

    /// <inheritdoc />
    protected override RubricTemplate JudgeRubric => DetectorRubrics.AnswerCorrectness;

    /// <summary>Expressed confidence of a text in [0, 1]: 0.6 baseline, +0.2 per booster, -0.3 per hedge.</summary>
    public static double ExpressedConfidence(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string lower = " " + text.ToLowerInvariant().Replace('\u2019', '\'') + " ";
        int boosters = s_boosters.Count(b => lower.Contains(b, StringComparison.Ordinal));
        int hedges = s_hedges.Count(h => lower.Contains(" " + h + " ", StringComparison.Ordinal) || lower.Contains(" " + h + ",", StringComparison.Ordinal));
        return Math.Clamp(0.6 + (0.2 * boosters) - (0.3 * hedges), 0, 1);
    }

    /// <summary>The confidence of a turn: expressed confidence, blended with the mean token probability when known.</summary>
    public static double Confidence(ConversationTurn turn)
    {
        ArgumentNullException.ThrowIfNull(turn);
        // Token probabilities, when the model reports them, are the better-calibrated signal, so they weigh more than wording.
        double confidence = ExpressedConfidence(turn.Assistant);
        return turn.TokenConfidence is { } tokens ? (0.35 * confidence) + (0.65 * Math.Clamp(tokens, 0, 1)) : confidence;
    }

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string?> JudgeVariables(Conversation conversation, int index)
    {
        ConversationTurn turn = conversation.Turns[index];
        return new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["input"] = turn.User,
            ["output"] = turn.Assistant,
            ["expected"] = turn.ExpectedOutput,
            ["context"] = string.Join("\n\n", turn.Context),
        };
    }

    /// <inheritdoc />
    protected override double JudgedFailure(Conversation conversation, int index, double normalizedScore) =>
        Confidence(conversation.Turns[index]) * (1 - normalizedScore);

    /// <inheritdoc />
    protected override double ScoreTurn(Conversation conversation, int index, List<string> evidence)
    {
        ConversationTurn turn = conversation.Turns[index];
        double confidence = Confidence(turn);

        double error = 0;
        if (turn.ExpectedOutput is { } expected)
        {
            double mismatch = Mismatch(turn.Assistant, expected);
            error = Math.Max(error, mismatch);
            if (mismatch >= 0.5)
            {
                evidence.Add(string.Create(CultureInfo.InvariantCulture, $"disagrees with the golden answer '{expected}' (mismatch {mismatch:0.00})"));
            }
        }

        if (turn.Context.Count > 0)
        {
            HashSet<string> contextWords = [.. turn.Context.SelectMany(TextTokens.Content)];
            List<string> claims = ClaimSplitter.Split(turn.Assistant);
            if (claims.Count > 0)
            {
                string[] unsupported = [.. claims.Where(c => GroundednessEvaluator.LexicalSupport(c, contextWords) < 0.6)];
                double share = unsupported.Length / (double)claims.Count;
                error = Math.Max(error, share);
                if (unsupported.Length > 0)
                {
                    evidence.Add($"{unsupported.Length} of {claims.Count} claims not supported by the context: \"{unsupported[0]}\"");
                }
            }
        }

        if (turn.Samples.Count > 0)
        {
            double disagreement = turn.Samples.Average(s => Mismatch(turn.Assistant, s));
            error = Math.Max(error, disagreement);
            if (disagreement >= 0.5)
            {
                evidence.Add(string.Create(CultureInfo.InvariantCulture, $"disagrees with {turn.Samples.Count} sampled answers (mean mismatch {disagreement:0.00})"));
            }
        }

        if (confidence >= 0.7 && error >= 0.5)
        {
            evidence.Insert(0, string.Create(CultureInfo.InvariantCulture, $"stated with confidence {confidence:0.00}"));
        }

        return confidence * error;
    }

    // The share of the reference's numbers the text does not state; without numbers, the share of its content words left out.
    private static double Mismatch(string text, string reference)
    {
        if (Numbers.MissingShare(text, reference) is { } missingNumbers)
        {
            return missingNumbers;
        }

        HashSet<string> wanted = [.. TextTokens.Content(reference)];
        if (wanted.Count == 0)
        {
            return 0;
        }

        HashSet<string> said = [.. TextTokens.Content(text)];
        return wanted.Count(w => !said.Contains(w)) / (double)wanted.Count;
    }
}
