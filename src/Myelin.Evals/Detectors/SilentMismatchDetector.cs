using System.Globalization;
using Myelin.Evals.Evaluators;
using Myelin.Evals.Internal;
using Myelin.Evals.Judges;

namespace Myelin.Evals.Detectors;

/// <summary>
/// <c>silent_mismatch</c>: the answer does not fit the question. The question's expected answer type (number, date, yes/no,
/// choice between named options, list of N) is read from its wording and checked against the answer; named entities of
/// a question that names two or more must each be addressed; an explicit word limit must hold. A fitting answer still
/// scores a little by how few of the question's content words it addresses, so turns rank sensibly. With a judge, the judge
/// checks the answer's type and entities (<see cref="DetectorRubrics.AnswerFit"/>).
/// </summary>
public sealed class SilentMismatchDetector : DetectorBase
{
    /// <summary>Creates the detector.</summary>
    /// <param name="threshold">Flagging threshold (default 0.5).</param>
    /// <param name="judge">Optional judge of answer type and entities.</param>
    public SilentMismatchDetector(double threshold = 0.5, LlmJudge? judge = null)
        : base(FindingKinds.SilentMismatch, threshold, judge)
    {
    }

    /// <inheritdoc />
    protected override RubricTemplate JudgeRubric => DetectorRubrics.AnswerFit;

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string?> JudgeVariables(Conversation conversation, int index) =>
        new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["input"] = conversation.Turns[index].User,
            ["output"] = conversation.Turns[index].Assistant,
        };

    /// <inheritdoc />
    protected override double ScoreTurn(Conversation conversation, int index, List<string> evidence)
    {
        ConversationTurn turn = conversation.Turns[index];
        QuestionProfile question = QuestionProfile.Analyze(turn.User);
        string answer = turn.Assistant;
        double score = 0.3 * (1 - AnswerRelevanceEvaluator.LexicalScore(turn.User, answer));
        string? typeProblem = question.Type switch
        {
            ExpectedAnswer.Number when !QuestionProfile.HasNumber(answer) => "the question asks for a number and the answer gives none",
            ExpectedAnswer.Date when !QuestionProfile.HasDate(answer) => "the question asks for a date or time and the answer gives none",
            ExpectedAnswer.YesNo when !QuestionProfile.HasYesNo(answer) => "the question asks yes or no and the answer says neither",
            ExpectedAnswer.Choice when question.Options.Count > 0 && !question.Options.Any(o => TextTokens.Content(answer).Contains(o))
                => $"the question offers a choice ({string.Join(" or ", question.Options)}) and the answer picks none",
            ExpectedAnswer.List when QuestionProfile.ListItems(answer) < question.ListCount
                => string.Create(CultureInfo.InvariantCulture, $"the question asks for a list of {question.ListCount} and the answer has {QuestionProfile.ListItems(answer)} items"),
            _ => null,
        };
        if (typeProblem is not null)
        {
            evidence.Add(typeProblem);
            score = Math.Max(score, 0.85);
        }

        if (question.Entities.Count >= 2)
        {
            HashSet<string> said = [.. TextTokens.Content(answer)];
            string[] missing = [.. question.Entities.Where(e => !TextTokens.Content(e).All(said.Contains))];
            if (missing.Length > 0)
            {
                evidence.Add("entities in the question left unaddressed: " + string.Join(", ", missing));
                score = Math.Max(score, 0.5 + (0.4 * missing.Length / question.Entities.Count));
            }
        }

        if (question.WordLimit is { } limit && TextTokens.Words(answer).Count > limit)
        {
            evidence.Add(string.Create(CultureInfo.InvariantCulture, $"the question limits the answer to {limit} words and it has {TextTokens.Words(answer).Count}"));
            score = Math.Max(score, 0.8);
        }

        return score;
    }
}
