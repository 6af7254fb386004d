using Myelin.Models.Formats;

namespace Myelin.Inference.Sampling;

public sealed class SamplerTests
{
    private static readonly float[] s_logits = [1.0f, 3.0f, 2.5f, -1f, 0.5f, 2.9f, -3f, 0f];

    private static int[] Draws(SamplingOptions options, int count, float[]? logits = null)
    {
        logits ??= s_logits;
        var sampler = new Sampler(options with { MaxTokens = count }, logits.Length);
        var result = new int[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = sampler.Sample(logits, []).Token;
        }

        return result;
    }

    [Fact]
    public void Greedy_and_degenerate_truncations_pick_the_argmax()
    {
        Assert.All(Draws(SamplingOptions.Greedy, 5), t => Assert.Equal(1, t));
        Assert.All(Draws(new SamplingOptions { TopK = 1, Seed = 1 }, 20), t => Assert.Equal(1, t));
        Assert.All(Draws(new SamplingOptions { TopP = 0.01f, Seed = 2 }, 20), t => Assert.Equal(1, t));
        Assert.All(Draws(new SamplingOptions { MinP = 1f, Seed = 3 }, 20), t => Assert.Equal(1, t));
    }

    [Fact]
    public void The_same_seed_gives_the_same_tokens_and_another_seed_differs()
    {
        var options = new SamplingOptions { Temperature = 1.5f, Seed = 42 };
        Assert.Equal(Draws(options, 50), Draws(options, 50));
        Assert.NotEqual(Draws(options, 50), Draws(options with { Seed = 43 }, 50));
    }

    [Fact]
    public void Truncation_limits_the_candidates()
    {
        // Top-k 2 keeps tokens 1 and 5; top-p 0.6 keeps 1, 5 (and maybe 2); min-p 0.5 keeps p >= half of the best.
        Assert.All(Draws(new SamplingOptions { TopK = 2, Temperature = 2f, Seed = 5 }, 200), t => Assert.Contains(t, new[] { 1, 5 }));
        Assert.All(Draws(new SamplingOptions { TopP = 0.6f, Seed = 6 }, 200), t => Assert.Contains(t, new[] { 1, 5, 2 }));
        Assert.All(Draws(new SamplingOptions { MinP = 0.5f, Seed = 7 }, 200), t => Assert.Contains(t, new[] { 1, 5, 2 }));
        int[] all = Draws(new SamplingOptions { Temperature = 2f, Seed = 8 }, 400);
        Assert.True(all.Distinct().Count() >= 6, "high temperature without truncation should reach most tokens");
    }

    [Fact]
    public void Draw_frequencies_follow_the_softmax()
    {
        float[] logits = [0f, MathF.Log(2f), MathF.Log(5f)];
        int[] draws = Draws(new SamplingOptions { Seed = 9 }, 8000, logits);
        double[] expected = [1 / 8.0, 2 / 8.0, 5 / 8.0];
        for (int t = 0; t < 3; t++)
        {
            double share = draws.Count(d => d == t) / 8000.0;
            Assert.True(Math.Abs(share - expected[t]) < 0.02, $"token {t}: {share} vs {expected[t]}");
        }
    }

    [Fact]
    public void Penalties_push_away_from_seen_tokens()
    {
        var repetition = new Sampler(SamplingOptions.Greedy with { RepetitionPenalty = 2f }, s_logits.Length);
        repetition.AddPromptTokens([1]);
        Assert.Equal(5, repetition.Sample(s_logits, []).Token);

        var frequency = new Sampler(SamplingOptions.Greedy with { FrequencyPenalty = 0.3f }, s_logits.Length);
        int[] seq = [.. Enumerable.Range(0, 4).Select(_ => frequency.Sample(s_logits, []).Token)];
        // 3.0, 2.9, 2.5 lose 0.3 per use: 1, then 5 (2.9 > 2.7), then 1 (2.7 > 2.6), then 5 (2.6 > 2.4).
        Assert.Equal([1, 5, 1, 5], seq);

        var presence = new Sampler(SamplingOptions.Greedy with { PresencePenalty = 2f }, s_logits.Length);
        presence.AddPromptTokens([1, 5]);
        Assert.Equal(2, presence.Sample(s_logits, []).Token);
    }

    [Fact]
    public void Logprobs_are_normalised_and_the_top_n_sorted()
    {
        var sampler = new Sampler(new SamplingOptions { Seed = 1, TopLogprobs = 3 }, s_logits.Length);
        var top = new TokenLogprob[5];
        SampledToken result = sampler.Sample(s_logits, top);
        Assert.Equal(3, result.TopLogprobCount);
        Assert.Equal([1, 5, 2], top[..3].Select(t => t.Token));
        double sum = s_logits.Sum(v => Math.Exp(v));
        Assert.Equal(Math.Log(Math.Exp(3.0) / sum), top[0].Logprob, 5);
        Assert.Equal(Math.Log(Math.Exp(s_logits[result.Token]) / sum), result.Logprob, 5);
    }

    [Fact]
    public void Stop_tokens_and_max_tokens_end_generation()
    {
        var sampler = new Sampler(SamplingOptions.Greedy with { StopTokens = [5], MaxTokens = 3 }, s_logits.Length);
        int t = sampler.Sample(s_logits, []).Token;
        Assert.Equal(StopReason.None, sampler.CheckStop(t));
        Assert.Equal(StopReason.StopToken, sampler.CheckStop(5));
        sampler.Sample(s_logits, []);
        t = sampler.Sample(s_logits, []).Token;
        Assert.Equal(StopReason.MaxTokens, sampler.CheckStop(t));
        Assert.Equal(3, sampler.GeneratedCount);
    }

    [Theory]
    [InlineData("Temperature")]
    [InlineData("TopK")]
    [InlineData("TopP")]
    [InlineData("MinP")]
    [InlineData("RepetitionPenalty")]
    [InlineData("PresencePenalty")]
    [InlineData("FrequencyPenalty")]
    [InlineData("MaxTokens")]
    [InlineData("TopLogprobs")]
    [InlineData("StopTokens")]
    public void Invalid_parameters_are_named(string parameter)
    {
        SamplingOptions bad = parameter switch
        {
            "Temperature" => new() { Temperature = -0.1f },
            "TopK" => new() { TopK = -1 },
            "TopP" => new() { TopP = 0f },
            "MinP" => new() { MinP = 1.5f },
            "RepetitionPenalty" => new() { RepetitionPenalty = 0.5f },
            "PresencePenalty" => new() { PresencePenalty = 3f },
            "FrequencyPenalty" => new() { FrequencyPenalty = float.NaN },
            "MaxTokens" => new() { MaxTokens = 0 },
            "TopLogprobs" => new() { TopLogprobs = 21 },
            _ => new() { StopTokens = [8] },
        };
        var e = Assert.Throws<ArgumentException>(() => new Sampler(bad, s_logits.Length));
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains(parameter, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Seeded_generation_from_a_model_is_reproducible()
    {
        using InferenceModel model = InferenceModel.Open(TestModels.Get(TestModels.Qwen2, GgmlType.Q8_0));
        int[] Generate(ulong seed)
        {
            var sampler = new Sampler(new SamplingOptions { Seed = seed, Temperature = 0.9f, TopP = 0.95f, TopK = 40, MaxTokens = 12 }, model.Shape.VocabSize);
            KvSequence seq = model.CreateSequence(40);
            var logits = new float[model.Shape.VocabSize];
            model.Prefill(seq, TestModels.Prompt, logits);
            var output = new List<int>();
            while (true)
            {
                int token = sampler.Sample(logits, []).Token;
                output.Add(token);
                if (sampler.CheckStop(token) != StopReason.None)
                {
                    return [.. output];
                }

                model.Decode(seq, token, logits);
            }
        }

        int[] a = Generate(11);
        Assert.Equal(12, a.Length);
        Assert.Equal(a, Generate(11));
        Assert.NotEqual(a, Generate(12));
    }
}
