using System.Globalization;
using Myelin.Evals.Judges;
using Xunit.Abstractions;

namespace Myelin.Evals.Detectors;

/// <summary>
/// Runs every detector over its labelled suite, without and with the scripted judge, and reports precision, recall and
/// AUROC (goal: AUROC ≥ 0.85 either way).
/// </summary>
public sealed class DetectorSuiteTests(ITestOutputHelper output)
{
    public static TheoryData<string, bool> Cases => new()
    {
        { FindingKinds.SilentMismatch, false }, { FindingKinds.Drift, false }, { FindingKinds.ConfidenceTrap, false },
        { FindingKinds.SilentMismatch, true }, { FindingKinds.Drift, true }, { FindingKinds.ConfidenceTrap, true },
    };

    /// <summary>The labelled suite of a kind.</summary>
    public static List<LabelledConversation> Suite(string kind) => kind switch
    {
        FindingKinds.SilentMismatch => DetectorSuite.SilentMismatch(),
        FindingKinds.Drift => DetectorSuite.Drift(),
        _ => DetectorSuite.ConfidenceTrap(),
    };

    /// <summary>The hand-tuned detector of a kind, with an optional judge.</summary>
    public static DetectorBase Detector(string kind, LlmJudge? judge = null) => kind switch
    {
        FindingKinds.SilentMismatch => new SilentMismatchDetector(judge: judge),
        FindingKinds.Drift => new DriftDetector(judge: judge),
        _ => new ConfidenceTrapDetector(judge: judge),
    };

    /// <summary>
    /// The scripted judge for a suite. It judges what the detector's rubric asks: for drift and silent mismatch that is the
    /// label; for confidence traps it is correctness, so a hedged wrong answer is still judged wrong.
    /// </summary>
    public static LlmJudge Judge(string kind, List<LabelledConversation> suite)
    {
        var truths = new List<(string, string, bool)>();
        foreach (LabelledConversation item in suite)
        {
            for (int i = 0; i < item.Labels.Length; i++)
            {
                ConversationTurn turn = item.Conversation.Turns[i];
                bool fails = kind == FindingKinds.ConfidenceTrap
                    ? item.Variants[i].Contains("wrong", StringComparison.Ordinal) || item.Variants[i].Contains("contradicts", StringComparison.Ordinal)
                      || item.Variants[i].Contains("ungrounded", StringComparison.Ordinal) || item.Variants[i].Contains("disagrees", StringComparison.Ordinal)
                    : item.Labels[i];
                string question = kind == FindingKinds.Drift ? CurrentIntent(item.Conversation, i) : turn.User;
                truths.Add((question, turn.Assistant, fails));
            }
        }

        return new LlmJudge(ScriptedJudge.Create(truths, DetectorSuite.Seed));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Detector_reaches_the_auroc_goal_on_its_labelled_suite(string kind, bool judged)
    {
        List<LabelledConversation> suite = Suite(kind);
        DetectorBase detector = Detector(kind, judged ? Judge(kind, suite) : null);
        var scored = new List<(double Score, bool Label)>();
        var byVariant = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var misses = new List<string>();
        foreach (LabelledConversation item in suite)
        {
            IReadOnlyList<Finding> findings = await detector.DetectAsync(item.Conversation);
            for (int i = 0; i < findings.Count; i++)
            {
                scored.Add((findings[i].Score, item.Labels[i]));
                (byVariant.TryGetValue(item.Variants[i], out List<double>? list) ? list : byVariant[item.Variants[i]] = []).Add(findings[i].Score);
                if (findings[i].Flagged != item.Labels[i])
                {
                    ConversationTurn turn = item.Conversation.Turns[i];
                    misses.Add(string.Create(CultureInfo.InvariantCulture, $"{item.Variants[i]} ({findings[i].Score:0.00}): Q: {turn.User} A: {turn.Assistant}"));
                }
            }
        }

        DetectorQuality quality = DetectorQuality.Compute(scored, detector.Threshold);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {kind} | {(judged ? "scripted judge" : "none")} | {suite.Count} | {quality.Positives} | {quality.Negatives} | {detector.Threshold:0.00} | {quality.Precision:0.000} | {quality.Recall:0.000} | {quality.Auroc:0.000} |"));
        foreach ((string variant, List<double> scores) in byVariant.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"|   {variant} | {scores.Count} | mean {scores.Average():0.00} | flagged {scores.Count(s => s >= detector.Threshold)} |"));
        }

        foreach (string miss in misses.Take(12))
        {
            output.WriteLine("  miss: " + miss);
        }

        Assert.True(quality.Auroc >= 0.85, $"{kind} (judge: {judged}): AUROC {quality.Auroc:0.000} is below 0.85");
    }

    private static string CurrentIntent(Conversation conversation, int index)
    {
        for (int i = index; i >= 0; i--)
        {
            if (Internal.TextTokens.Content(conversation.Turns[i].User).Count > 0)
            {
                return conversation.Turns[i].User;
            }
        }

        return conversation.Turns[0].User;
    }
}
