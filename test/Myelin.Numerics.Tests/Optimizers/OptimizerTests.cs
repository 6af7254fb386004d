using Myelin.Numerics.Autograd;

namespace Myelin.Numerics.Optimizers;

public sealed class OptimizerTests
{
    private static Variable Param(float[] values, float[] grad)
    {
        var p = Variable.Parameter(values, values.Length);
        grad.CopyTo(p.Grad);
        return p;
    }

    [Fact]
    public void Sgd_plain_momentum_and_nesterov_match_hand_computation()
    {
        Variable p = Param([1f, -2f], [0.5f, 1f]);
        var sgd = new Sgd([p], 0.1f);
        sgd.Step();
        Assert.Equal([0.95f, -2.1f], p.Data.ToArray());

        Variable q = Param([1f], [1f]);
        var mom = new Sgd([q], 0.1f, momentum: 0.9f);
        mom.Step(); // b = 1, p = 0.9
        mom.Step(); // b = 0.9 + 1 = 1.9, p = 0.9 - 0.19 = 0.71
        Assert.Equal(0.71f, q.Data[0], 5);

        Variable r = Param([1f], [1f]);
        var nes = new Sgd([r], 0.1f, momentum: 0.9f, nesterov: true);
        nes.Step(); // b = 1, g = 1 + 0.9 = 1.9, p = 0.81
        nes.Step(); // b = 1.9, g = 1 + 1.71 = 2.71, p = 0.81 - 0.271 = 0.539
        Assert.Equal(0.539f, r.Data[0], 5);

        Variable w = Param([2f], [0f]);
        new Sgd([w], 0.5f, weightDecay: 0.1f).Step(); // g = 0.2, p = 1.9
        Assert.Equal(1.9f, w.Data[0], 6);
    }

    [Fact]
    public void Adam_matches_hand_computation()
    {
        // Step 1: m = 0.1g, v = 0.001g², m̂ = g, v̂ = g², update = lr·g/(|g| + eps) = lr·sign(g).
        float[] values = [.. Enumerable.Range(0, 19).Select(i => i * 0.1f)];
        float[] grads = [.. Enumerable.Range(0, 19).Select(i => i % 2 == 0 ? 0.5f : -2f)];
        Variable p = Param((float[])values.Clone(), grads);
        var adam = new Adam([p], learningRate: 0.01f);
        adam.Step();
        for (int i = 0; i < values.Length; i++)
        {
            Assert.Equal(values[i] - (0.01f * MathF.Sign(grads[i])), p.Data[i], 5);
        }

        // Step 2 with the same gradient: m̂ = g, v̂ = g² again, so the same update.
        adam.Step();
        for (int i = 0; i < values.Length; i++)
        {
            Assert.Equal(values[i] - (0.02f * MathF.Sign(grads[i])), p.Data[i], 5);
        }
    }

    [Fact]
    public void Adam_l2_and_adamw_decoupled_decay_differ_as_specified()
    {
        Variable a = Param([1f], [0f]);
        new Adam([a], 0.1f, weightDecay: 0.5f).Step(); // g = 0.5 → update = 0.1·sign = 0.1
        Assert.Equal(0.9f, a.Data[0], 5);

        Variable w = Param([1f], [0f]);
        new AdamW([w], 0.1f, weightDecay: 0.5f).Step(); // p = 1·(1 − 0.05) = 0.95, g = 0 → no Adam move
        Assert.Equal(0.95f, w.Data[0], 5);
    }

    [Fact]
    public void Optimizer_uses_schedule_and_skips_parameters_without_gradients()
    {
        Variable p = Param([1f], [1f]);
        var untouched = Variable.Parameter([5f], 1);
        var sgd = new Sgd([p, untouched], 123f) { Schedule = new WarmupCosineSchedule(0.1f, 2, 2) };
        sgd.Step(); // lr 0.05
        sgd.Step(); // lr 0.1
        Assert.Equal(0.85f, p.Data[0], 5);
        Assert.Equal(5f, untouched.Data[0]);
        Assert.False(untouched.HasGrad);
        sgd.ZeroGrad();
        Assert.Equal(0f, p.Grad[0]);
    }

    [Fact]
    public void Clip_global_norm()
    {
        Variable a = Param([0f], [3f]);
        Variable b = Param([0f], [4f]);
        float norm = GradientClipping.ClipGlobalNorm([a, b], 1f);
        Assert.Equal(5f, norm, 5);
        Assert.Equal(0.6f, a.Grad[0], 5);
        Assert.Equal(0.8f, b.Grad[0], 5);
        Assert.Equal(1f, GradientClipping.ClipGlobalNorm([a, b], 10f), 4);
        Assert.Equal(0.6f, a.Grad[0], 5);
    }

    [Fact]
    public void Warmup_cosine_schedule()
    {
        var s = new WarmupCosineSchedule(1f, warmupSteps: 4, totalSteps: 14, minLearningRate: 0.1f);
        Assert.Equal(0.25f, s.GetLearningRate(0), 6);
        Assert.Equal(1f, s.GetLearningRate(3), 6);
        Assert.Equal(1f, s.GetLearningRate(4), 6);
        Assert.Equal(0.55f, s.GetLearningRate(9), 5);
        Assert.Equal(0.1f, s.GetLearningRate(14), 6);
        Assert.Equal(0.1f, s.GetLearningRate(1000), 6);
    }

    [Fact]
    public void Ema_tracks_and_restores()
    {
        var p = Variable.Parameter([0f, 10f], 2);
        var ema = new ExponentialMovingAverage([p], decay: 0.5f);
        p.Data[0] = 4f;
        p.Data[1] = 0f;
        ema.Update();
        Assert.Equal([2f, 5f], ema.GetAverage(0).ToArray());
        ema.Update();
        Assert.Equal([3f, 2.5f], ema.GetAverage(0).ToArray());
        ema.CopyToParameters();
        Assert.Equal([3f, 2.5f], p.Data.ToArray());
    }

    [Fact]
    public void Adam_minimises_a_quadratic_through_the_tape()
    {
        var w = Variable.Parameter([5f, -3f], 2);
        var target = Variable.Constant([1f, 2f], 2);
        var opt = new Adam([w], 0.1f);
        using var tape = new Tape(Kernels.Default);
        for (int i = 0; i < 300; i++)
        {
            tape.Backward(tape.MeanSquaredError(w, target));
            opt.Step();
            opt.ZeroGrad();
            tape.Reset();
        }

        Assert.Equal(1f, w.Data[0], 2);
        Assert.Equal(2f, w.Data[1], 2);
    }
}
