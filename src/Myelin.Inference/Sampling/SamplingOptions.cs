namespace Myelin.Inference.Sampling;

/// <summary>How a <see cref="Sampler"/> picks tokens, with OpenAI-compatible meanings and llama.cpp's repetition penalty.</summary>
/// <remarks>
/// Order of application: repetition, presence and frequency penalties on the logits; log-probabilities (reported) from
/// the penalised logits; then, unless greedy, temperature, top-k, top-p and min-p truncation and a seeded draw.
/// </remarks>
public sealed record SamplingOptions
{
    /// <summary>Softmax temperature, 0 to 2; 0 means greedy (always the most likely token).</summary>
    public float Temperature { get; init; } = 1f;

    /// <summary>Keep only the k most likely tokens; 0 disables.</summary>
    public int TopK { get; init; }

    /// <summary>Keep the smallest set of most likely tokens whose probability reaches p, in (0, 1]; 1 disables.</summary>
    public float TopP { get; init; } = 1f;

    /// <summary>Drop tokens less likely than <c>MinP * p(most likely)</c>, in [0, 1]; 0 disables.</summary>
    public float MinP { get; init; }

    /// <summary>llama.cpp-style penalty, at least 1 (1 disables): a seen token's positive logit is divided by it, a negative one multiplied.</summary>
    public float RepetitionPenalty { get; init; } = 1f;

    /// <summary>OpenAI presence penalty, -2 to 2: subtracted once from the logit of every token already seen.</summary>
    public float PresencePenalty { get; init; }

    /// <summary>OpenAI frequency penalty, -2 to 2: subtracted per occurrence from the logit of every token already seen.</summary>
    public float FrequencyPenalty { get; init; }

    /// <summary>Seeds the draw: the same seed, model and prompt give the same tokens. Null draws a random seed.</summary>
    public ulong? Seed { get; init; }

    /// <summary>The most tokens to generate, at least 1.</summary>
    public int MaxTokens { get; init; } = 256;

    /// <summary>Token ids that end generation (the stop token itself is not part of the output).</summary>
    public IReadOnlyList<int> StopTokens { get; init; } = [];

    /// <summary>How many most likely alternatives to report with each token, 0 to 20.</summary>
    public int TopLogprobs { get; init; }

    /// <summary>Greedy decoding: no randomness at all.</summary>
    public static SamplingOptions Greedy { get; } = new() { Temperature = 0f };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid parameter and its allowed range.</summary>
    /// <param name="vocabSize">The model's vocabulary, to check stop tokens and top-k against.</param>
    public void Validate(int vocabSize)
    {
        Check(float.IsFinite(Temperature) && Temperature is >= 0f and <= 2f, nameof(Temperature), Temperature, "between 0 and 2");
        Check(TopK >= 0, nameof(TopK), TopK, "0 (off) or positive");
        Check(float.IsFinite(TopP) && TopP is > 0f and <= 1f, nameof(TopP), TopP, "in (0, 1]");
        Check(float.IsFinite(MinP) && MinP is >= 0f and <= 1f, nameof(MinP), MinP, "in [0, 1]");
        Check(float.IsFinite(RepetitionPenalty) && RepetitionPenalty >= 1f, nameof(RepetitionPenalty), RepetitionPenalty, "at least 1");
        Check(float.IsFinite(PresencePenalty) && PresencePenalty is >= -2f and <= 2f, nameof(PresencePenalty), PresencePenalty, "between -2 and 2");
        Check(float.IsFinite(FrequencyPenalty) && FrequencyPenalty is >= -2f and <= 2f, nameof(FrequencyPenalty), FrequencyPenalty, "between -2 and 2");
        Check(MaxTokens >= 1, nameof(MaxTokens), MaxTokens, "at least 1");
        Check(TopLogprobs is >= 0 and <= 20, nameof(TopLogprobs), TopLogprobs, "between 0 and 20");
        ArgumentNullException.ThrowIfNull(StopTokens, nameof(StopTokens));
        foreach (int t in StopTokens)
        {
            Check((uint)t < (uint)vocabSize, nameof(StopTokens), t, $"a token id in [0, {vocabSize})");
        }
    }

    private static void Check(bool ok, string name, object value, string allowed)
    {
        if (!ok)
        {
            throw new ArgumentException($"Sampling parameter {name} is {value}; it must be {allowed}.", name);
        }
    }
}
