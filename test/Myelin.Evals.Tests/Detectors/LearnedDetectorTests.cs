using System.Globalization;
using System.Text;
using Myelin.Core;
using Xunit.Abstractions;

namespace Myelin.Evals.Detectors;

/// <summary>The learned detector: trained on one split of the seeded suite, measured against the hand-tuned one on the held-out split.</summary>
public sealed class LearnedDetectorTests(ITestOutputHelper output)
{
    public static TheoryData<string> Kinds => [FindingKinds.SilentMismatch, FindingKinds.Drift, FindingKinds.ConfidenceTrap];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Learned_detector_beats_or_matches_the_hand_tuned_one_on_held_out_sessions(string kind)
    {
        (List<LabelledConversation> train, List<LabelledConversation> test) = Split(kind);
        DetectorBase handTuned = DetectorSuiteTests.Detector(kind);
        LearnedDetectorWeights weights = await LearnedDetectorTrainer.TrainAsync(handTuned, Labelled(train));
        var learned = new LearnedDetector(handTuned, weights);

        DetectorQuality tuned = await QualityAsync(handTuned, handTuned.Threshold, test);
        DetectorQuality trained = await QualityAsync(learned, learned.Threshold, test);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {kind} | {train.Count}/{test.Count} | hand-tuned P {tuned.Precision:0.000} R {tuned.Recall:0.000} AUROC {tuned.Auroc:0.000} | learned P {trained.Precision:0.000} R {trained.Recall:0.000} AUROC {trained.Auroc:0.000} |"));
        output.WriteLine(string.Join(", ", weights.Features.Select((f, i) => string.Create(CultureInfo.InvariantCulture, $"{f} {weights.Weights[i]:0.00}"))));
        Assert.True(trained.Auroc >= tuned.Auroc, $"{kind}: learned AUROC {trained.Auroc:0.0000} < hand-tuned {tuned.Auroc:0.0000}");
        Assert.True(trained.Auroc >= 0.85);
    }

    [Fact]
    public async Task Training_is_deterministic_and_weights_survive_save_and_load()
    {
        (List<LabelledConversation> train, List<LabelledConversation> test) = Split(FindingKinds.Drift);
        var detector = new DriftDetector();
        LearnedDetectorWeights first = await LearnedDetectorTrainer.TrainAsync(detector, Labelled(train));
        LearnedDetectorWeights second = await LearnedDetectorTrainer.TrainAsync(detector, Labelled(train));
        Assert.Equal(first.Weights, second.Weights);

        using var stream = new MemoryStream();
        await first.SaveAsync(stream);
        stream.Position = 0;
        LearnedDetectorWeights loaded = await LearnedDetectorWeights.LoadAsync(stream);
        IReadOnlyList<Finding> a = await new LearnedDetector(detector, first).DetectAsync(test[0].Conversation);
        IReadOnlyList<Finding> b = await new LearnedDetector(detector, loaded).DetectAsync(test[0].Conversation);
        Assert.Equal(a.Select(f => f.Score), b.Select(f => f.Score));

        string json = Encoding.UTF8.GetString(stream.ToArray());
        foreach (string bad in new[] { "{", json.Replace("\"detector_score\"", "\"other\"", StringComparison.Ordinal), "{\"kind\":\"drift\"}" })
        {
            await Assert.ThrowsAsync<MyelinValidationException>(() => LearnedDetectorWeights.LoadAsync(new MemoryStream(Encoding.UTF8.GetBytes(bad))));
        }

        Assert.Throws<ArgumentException>(() => new LearnedDetector(new SilentMismatchDetector(), first));
    }

    // 160 seeded sessions, shuffled with a fixed seed, 60% to train and 40% held out.
    private static (List<LabelledConversation> Train, List<LabelledConversation> Test) Split(string kind)
    {
        List<LabelledConversation> all = kind switch
        {
            FindingKinds.SilentMismatch => DetectorSuite.SilentMismatch(160, DetectorSuite.Seed + 10),
            FindingKinds.Drift => DetectorSuite.Drift(160, DetectorSuite.Seed + 11),
            _ => DetectorSuite.ConfidenceTrap(160, DetectorSuite.Seed + 12),
        };
        var random = new Random(7);
        LabelledConversation[] shuffled = [.. all.OrderBy(_ => random.Next())];
        int cut = shuffled.Length * 6 / 10;
        return ([.. shuffled[..cut]], [.. shuffled[cut..]]);
    }

    private static List<(Conversation, IReadOnlyList<bool>)> Labelled(List<LabelledConversation> suite) =>
        [.. suite.Select(s => (s.Conversation, (IReadOnlyList<bool>)s.Labels))];

    private static async Task<DetectorQuality> QualityAsync(IDetector detector, double threshold, List<LabelledConversation> suite)
    {
        var scored = new List<(double, bool)>();
        foreach (LabelledConversation item in suite)
        {
            IReadOnlyList<Finding> findings = await detector.DetectAsync(item.Conversation);
            scored.AddRange(findings.Select((f, i) => (f.Score, item.Labels[i])));
        }

        return DetectorQuality.Compute(scored, threshold);
    }
}
