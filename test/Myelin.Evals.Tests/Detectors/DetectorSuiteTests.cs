using System.Globalization;
using Xunit.Abstractions;

namespace Myelin.Evals.Detectors;

/// <summary>Runs every detector over its labelled suite and reports precision, recall and AUROC (goal: AUROC ≥ 0.85).</summary>
public sealed class DetectorSuiteTests(ITestOutputHelper output)
{
    public static TheoryData<string> Kinds => [FindingKinds.SilentMismatch, FindingKinds.Drift, FindingKinds.ConfidenceTrap];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Detector_reaches_the_auroc_goal_on_its_labelled_suite(string kind)
    {
        (DetectorBase detector, List<LabelledConversation> suite) = kind switch
        {
            FindingKinds.SilentMismatch => ((DetectorBase)new SilentMismatchDetector(), DetectorSuite.SilentMismatch()),
            FindingKinds.Drift => (new DriftDetector(), DetectorSuite.Drift()),
            _ => (new ConfidenceTrapDetector(), DetectorSuite.ConfidenceTrap()),
        };

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
            $"| {kind} | {suite.Count} | {quality.Positives} | {quality.Negatives} | {detector.Threshold:0.00} | {quality.Precision:0.000} | {quality.Recall:0.000} | {quality.Auroc:0.000} |"));
        foreach ((string variant, List<double> scores) in byVariant.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"|   {variant} | {scores.Count} | mean {scores.Average():0.00} | flagged {scores.Count(s => s >= detector.Threshold)} |"));
        }

        foreach (string miss in misses.Take(12))
        {
            output.WriteLine("  miss: " + miss);
        }

        Assert.True(quality.Auroc >= 0.85, $"{kind}: AUROC {quality.Auroc:0.000} is below 0.85");
    }
}
