using System.Numerics.Tensors;

namespace Myelin.Numerics.Autograd;

public sealed partial class Tape
{
    /// <summary>The conventional "no target" marker for <see cref="CrossEntropy"/> (as in PyTorch).</summary>
    public const int DefaultIgnoreIndex = -100;

    /// <summary>
    /// Mean cross-entropy between the softmax of <paramref name="logits"/> and integer targets, over the rows whose
    /// target is not <paramref name="ignoreIndex"/> (0 when every row is ignored).
    /// </summary>
    /// <param name="logits">[rows, classes] (leading dimensions are flattened).</param>
    /// <param name="targets">[rows], each in [0, classes) or equal to <paramref name="ignoreIndex"/>; copied.</param>
    /// <param name="ignoreIndex">Target value that marks a row to skip.</param>
    /// <returns>A scalar.</returns>
    public Variable CrossEntropy(Variable logits, ReadOnlySpan<int> targets, int ignoreIndex = DefaultIgnoreIndex)
    {
        ArgumentNullException.ThrowIfNull(logits);
        int classes = logits.Size(-1);
        int rows = logits.Length / Math.Max(1, classes);
        if (targets.Length != rows)
        {
            throw new ArgumentException($"CrossEntropy: {targets.Length} targets for {rows} rows.", nameof(targets));
        }

        int[] t = targets.ToArray();
        bool track = Tracks(logits);
        float[] logp = Rent(logits.Length, clear: false);
        _k.LogSoftmax(logits.DataArray, rows, classes, logp);
        double total = 0;
        int count = 0;
        for (int r = 0; r < rows; r++)
        {
            if (t[r] == ignoreIndex)
            {
                continue;
            }

            if ((uint)t[r] >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(nameof(targets), t[r], $"Target must be in [0, {classes}) or {ignoreIndex}.");
            }

            total -= logp[(r * classes) + t[r]];
            count++;
        }

        Variable loss = NewVariable([], track);
        loss.DataArray[0] = count == 0 ? 0f : (float)(total / count);
        if (track && count > 0)
        {
            Record(loss, () =>
            {
                // d logits = (softmax − onehot) · dL / count, zero on ignored rows.
                float scale = loss.GradArray[0] / count;
                float[] dx = GradOf(logits);
                for (int r = 0; r < rows; r++)
                {
                    if (t[r] == ignoreIndex)
                    {
                        continue;
                    }

                    Span<float> lr = logp.AsSpan(r * classes, classes);
                    TensorPrimitives.Exp(lr, lr);
                    lr[t[r]] -= 1f;
                    _k.Axpy(lr, scale, dx.AsSpan(r * classes, classes));
                }
            });
        }

        return loss;
    }

    /// <summary>Mean squared error <c>mean((prediction − target)²)</c>.</summary>
    /// <param name="prediction">[...]</param>
    /// <param name="target">Same shape; may require gradients too.</param>
    /// <returns>A scalar.</returns>
    public Variable MeanSquaredError(Variable prediction, Variable target)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(target);
        CheckSameShape(prediction, target, nameof(MeanSquaredError));
        bool track = Tracks(prediction, target);
        float[] diff = Rent(prediction.Length, clear: false);
        TensorPrimitives.Subtract(prediction.DataArray, target.DataArray, diff);
        Variable loss = NewVariable([], track);
        int n = Math.Max(1, prediction.Length);
        loss.DataArray[0] = TensorPrimitives.SumOfSquares(diff) / n;
        if (track)
        {
            Record(loss, () =>
            {
                float scale = 2f * loss.GradArray[0] / n;
                if (prediction.RequiresGrad)
                {
                    _k.Axpy(diff, scale, GradOf(prediction));
                }

                if (target.RequiresGrad)
                {
                    _k.Axpy(diff, -scale, GradOf(target));
                }
            });
        }

        return loss;
    }
}
