using System.Globalization;
using Myelin.Core;
using Myelin.Evals.Judges;

namespace Myelin.Evals.Detectors;

/// <summary>
/// Base for per-turn detectors: validates input, scores each turn with the detector's heuristic and, when a judge is given,
/// blends in the judge's verdict on the detector's rubric; applies the threshold and builds findings.
/// </summary>
/// <remarks>
/// With a judge, a turn's score is <c>(1 - JudgeWeight) × heuristic + JudgeWeight × judged failure</c>; a judging that
/// yields no valid verdict leaves the heuristic score and says so in the evidence, so nothing defaults silently.
/// </remarks>
public abstract class DetectorBase : IDetector
{
    /// <summary>Creates the detector.</summary>
    /// <param name="kind">The finding kind.</param>
    /// <param name="threshold">Flagging threshold in [0, 1].</param>
    /// <param name="judge">Optional judge consulted on every turn.</param>
    /// <param name="judgeWeight">Weight of the judge's verdict in the score, in [0, 1].</param>
    protected DetectorBase(string kind, double threshold, LlmJudge? judge = null, double judgeWeight = 0.5)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threshold, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(judgeWeight, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(judgeWeight, 1);
        Kind = kind;
        Threshold = threshold;
        Judge = judge;
        JudgeWeight = judgeWeight;
    }

    /// <inheritdoc />
    public string Kind { get; }

    /// <summary>The default flagging threshold.</summary>
    public double Threshold { get; }

    /// <summary>The judge consulted on every turn, or null.</summary>
    public LlmJudge? Judge { get; }

    /// <summary>The weight of the judge's verdict when there is a judge.</summary>
    public double JudgeWeight { get; }

    /// <summary>The rubric the judge is asked with.</summary>
    protected abstract RubricTemplate JudgeRubric { get; }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Finding>> DetectAsync(Conversation conversation, DetectionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(conversation.Turns);
        double threshold = options?.Threshold ?? Threshold;
        TenantId tenant = options?.Tenant ?? TenantId.Default;
        var findings = new List<Finding>(conversation.Turns.Count);
        for (int i = 0; i < conversation.Turns.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var evidence = new List<string>();
            double score = Math.Clamp(ScoreTurn(conversation, i, evidence), 0, 1);
            if (Judge is not null)
            {
                score = await BlendJudgeAsync(conversation, i, score, tenant, evidence, cancellationToken).ConfigureAwait(false);
            }

            findings.Add(new Finding(Kind, conversation.SessionId, i, conversation.Turns[i].TraceId, score, score >= threshold, evidence));
        }

        return findings;
    }

    /// <summary>Scores turn <paramref name="index"/> with the heuristic, adding human-readable reasons to <paramref name="evidence"/>.</summary>
    protected abstract double ScoreTurn(Conversation conversation, int index, List<string> evidence);

    /// <summary>The rubric's placeholder values for turn <paramref name="index"/>.</summary>
    protected abstract IReadOnlyDictionary<string, string?> JudgeVariables(Conversation conversation, int index);

    /// <summary>The failure likelihood the judge's normalised score (1 = no failure) stands for; by default its complement.</summary>
    protected virtual double JudgedFailure(Conversation conversation, int index, double normalizedScore) => 1 - normalizedScore;

    private async Task<double> BlendJudgeAsync(
        Conversation conversation, int index, double heuristic, TenantId tenant, List<string> evidence, CancellationToken cancellationToken)
    {
        RubricTemplate rubric = JudgeRubric;
        JudgeOutcome outcome = await Judge!.JudgeAsync(rubric, JudgeVariables(conversation, index), tenant, cancellationToken).ConfigureAwait(false);
        if (outcome.Verdict is not { } verdict)
        {
            evidence.Add($"judge gave no verdict, heuristic only: {outcome.Error}");
            return heuristic;
        }

        double judged = Math.Clamp(JudgedFailure(conversation, index, rubric.Normalize(verdict.Score)), 0, 1);
        evidence.Add(string.Create(CultureInfo.InvariantCulture, $"judge ({rubric.Id}) scored {verdict.Score} of {rubric.MaxScore}: {verdict.Reason}"));
        return ((1 - JudgeWeight) * heuristic) + (JudgeWeight * judged);
    }
}
