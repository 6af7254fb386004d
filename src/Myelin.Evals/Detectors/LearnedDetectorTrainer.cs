using Myelin.Numerics;
using Myelin.Numerics.Autograd;
using Myelin.Numerics.Optimizers;

namespace Myelin.Evals.Detectors;

/// <summary>
/// Trains <see cref="LearnedDetectorWeights"/>: logistic regression (two-class softmax) on standardised
/// <see cref="TurnFeatures"/> of labelled turns, full-batch with Myelin.Numerics autograd and Adam with an L2 penalty.
/// </summary>
/// <remarks>Deterministic: the same turns, labels and options give the same weights.</remarks>
public static class LearnedDetectorTrainer
{
    /// <summary>Trains on labelled conversations (one label per turn: true = the failure is there).</summary>
    /// <param name="baseDetector">The hand-tuned detector whose findings feed the features.</param>
    /// <param name="labelled">Conversations with a label per turn.</param>
    /// <param name="options">Training settings; null for defaults.</param>
    /// <param name="cancellationToken">Cancels training.</param>
    /// <exception cref="ArgumentException">A label count differs from a turn count, or a class is missing.</exception>
    public static async Task<LearnedDetectorWeights> TrainAsync(
        IDetector baseDetector,
        IReadOnlyList<(Conversation Conversation, IReadOnlyList<bool> Labels)> labelled,
        LearnedDetectorTrainingOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(baseDetector);
        ArgumentNullException.ThrowIfNull(labelled);
        options ??= new LearnedDetectorTrainingOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Epochs, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.LearningRate);
        ArgumentOutOfRangeException.ThrowIfNegative(options.L2);
        var rows = new List<float[]>();
        var targets = new List<int>();
        foreach ((Conversation conversation, IReadOnlyList<bool> labels) in labelled)
        {
            if (labels.Count != conversation.Turns.Count)
            {
                throw new ArgumentException($"Session '{conversation.SessionId}' has {conversation.Turns.Count} turns and {labels.Count} labels.", nameof(labelled));
            }

            IReadOnlyList<Finding> findings = await baseDetector.DetectAsync(conversation, null, cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < findings.Count; i++)
            {
                rows.Add(TurnFeatures.Compute(conversation, i, findings[i]));
                targets.Add(labels[i] ? 1 : 0);
            }
        }

        if (!targets.Contains(0) || !targets.Contains(1))
        {
            throw new ArgumentException("Training needs labelled failures and labelled non-failures.", nameof(labelled));
        }

        int n = rows.Count;
        int d = TurnFeatures.Names.Count;
        (float[] means, float[] scales) = Standardization(rows, d);
        float[] x = new float[n * d];
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < d; c++)
            {
                x[(r * d) + c] = (rows[r][c] - means[c]) / scales[c];
            }
        }

        // Two-class softmax over logits [n, 2] = X W + b is logistic regression on the logit difference.
        var random = new SeededRandom(options.Seed);
        Variable w = Variable.Parameter([.. Enumerable.Range(0, d * 2).Select(_ => (float)(random.NextGaussian() * 0.01))], d, 2);
        Variable b = Variable.Parameter(new float[2], 2);
        Variable input = Variable.Constant(x, n, d);
        int[] y = [.. targets];
        var adam = new Adam([w, b], options.LearningRate, weightDecay: options.L2);
        using var tape = new Tape(Kernels.Reference);
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            adam.ZeroGrad();
            Variable loss = tape.CrossEntropy(tape.Add(tape.MatMul(input, w), b), y);
            tape.Backward(loss);
            adam.Step();
            tape.Reset();
        }

        float[] weights = new float[d];
        for (int c = 0; c < d; c++)
        {
            weights[c] = w.Data[(c * 2) + 1] - w.Data[c * 2];
        }

        return new LearnedDetectorWeights(baseDetector.Kind, TurnFeatures.Names, means, scales, weights, b.Data[1] - b.Data[0]);
    }

    private static (float[] Means, float[] Scales) Standardization(List<float[]> rows, int d)
    {
        float[] means = new float[d];
        float[] scales = new float[d];
        for (int c = 0; c < d; c++)
        {
            double mean = rows.Average(r => r[c]);
            double variance = rows.Average(r => (r[c] - mean) * (r[c] - mean));
            means[c] = (float)mean;
            scales[c] = variance > 1e-12 ? (float)Math.Sqrt(variance) : 1f;
        }

        return (means, scales);
    }
}
