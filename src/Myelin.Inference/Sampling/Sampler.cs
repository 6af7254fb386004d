using Myelin.Numerics;

namespace Myelin.Inference.Sampling;

/// <summary>
/// Picks the next token from logits: penalties, greedy or temperature with top-k / top-p / min-p truncation, a seeded
/// draw, stop tokens, a token budget and log-probabilities with the top-N alternatives.
/// </summary>
/// <remarks>
/// One sampler per generated sequence; not thread-safe. Every buffer is allocated in the constructor, so
/// <see cref="Sample"/> allocates nothing. Top-k uses a bounded selection; top-p sorts the surviving candidates
/// (all of them when top-k is off).
/// </remarks>
public sealed class Sampler
{
    private readonly SamplingOptions _options;
    private readonly int _vocab;
    private readonly SeededRandom _random;
    private readonly float[] _logits;
    private readonly float[] _logprobs;
    private readonly float[] _keys;
    private readonly int[] _candidates;
    private readonly int[] _counts;
    private readonly HashSet<int> _stop;
    private int _generated;

    /// <summary>Creates a sampler.</summary>
    /// <param name="options">The parameters; validated here.</param>
    /// <param name="vocabSize">Logits per step.</param>
    /// <exception cref="ArgumentException">A parameter is out of range.</exception>
    public Sampler(SamplingOptions options, int vocabSize)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabSize);
        options.Validate(vocabSize);
        _options = options;
        _vocab = vocabSize;
        _random = new SeededRandom(options.Seed ?? (ulong)Random.Shared.NextInt64());
        _logits = new float[vocabSize];
        _logprobs = new float[vocabSize];
        _keys = new float[vocabSize];
        _candidates = new int[vocabSize];
        _counts = new int[vocabSize];
        _stop = [.. options.StopTokens];
    }

    /// <summary>Tokens accepted as generated so far.</summary>
    public int GeneratedCount => _generated;

    /// <summary>Records prompt tokens so that the penalties also apply to them.</summary>
    /// <param name="tokens">Prompt token ids.</param>
    public void AddPromptTokens(ReadOnlySpan<int> tokens)
    {
        foreach (int t in tokens)
        {
            CheckToken(t);
            _counts[t]++;
        }
    }

    /// <summary>Samples one token from <paramref name="logits"/> and records it as generated.</summary>
    /// <param name="logits">[vocab] raw model logits (not modified).</param>
    /// <param name="topLogprobs">Receives up to <see cref="SamplingOptions.TopLogprobs"/> most likely alternatives,
    /// most likely first; may be empty.</param>
    /// <returns>The token with its log-probability and the number of alternatives written.</returns>
    public SampledToken Sample(ReadOnlySpan<float> logits, Span<TokenLogprob> topLogprobs)
    {
        if (logits.Length != _vocab)
        {
            throw new ArgumentException($"Expected {_vocab} logits, got {logits.Length}.", nameof(logits));
        }

        Span<float> z = _logits;
        logits.CopyTo(z);
        ApplyPenalties(z);
        LogSoftmax(z, _logprobs);

        int token = _options.Temperature == 0f ? ArgMax(z) : Draw(z);
        int written = WriteTopLogprobs(topLogprobs);
        _counts[token]++;
        _generated++;
        return new SampledToken(token, _logprobs[token], written);
    }

    /// <summary>Whether generation should stop after <paramref name="token"/> (just returned by <see cref="Sample"/>).</summary>
    /// <param name="token">The last sampled token.</param>
    /// <returns>The reason, or <see cref="StopReason.None"/>.</returns>
    public StopReason CheckStop(int token) =>
        _stop.Contains(token) ? StopReason.StopToken
        : _generated >= _options.MaxTokens ? StopReason.MaxTokens
        : StopReason.None;

    private static int ArgMax(ReadOnlySpan<float> x)
    {
        int best = 0;
        for (int i = 1; i < x.Length; i++)
        {
            if (x[i] > x[best])
            {
                best = i;
            }
        }

        return best;
    }

    private static void LogSoftmax(ReadOnlySpan<float> z, Span<float> destination)
    {
        float max = float.NegativeInfinity;
        foreach (float v in z)
        {
            max = MathF.Max(max, v);
        }

        double sum = 0;
        foreach (float v in z)
        {
            sum += Math.Exp(v - max);
        }

        float log = max + (float)Math.Log(sum);
        for (int i = 0; i < z.Length; i++)
        {
            destination[i] = z[i] - log;
        }
    }

    private void CheckToken(int token)
    {
        if ((uint)token >= (uint)_vocab)
        {
            throw new ArgumentOutOfRangeException(nameof(token), token, $"Token ids must be in [0, {_vocab}).");
        }
    }

    private void ApplyPenalties(Span<float> z)
    {
        SamplingOptions o = _options;
        if (o.RepetitionPenalty == 1f && o.PresencePenalty == 0f && o.FrequencyPenalty == 0f)
        {
            return;
        }

        for (int i = 0; i < z.Length; i++)
        {
            int count = _counts[i];
            if (count == 0)
            {
                continue;
            }

            float v = z[i];
            v = v > 0f ? v / o.RepetitionPenalty : v * o.RepetitionPenalty;
            z[i] = v - o.PresencePenalty - (o.FrequencyPenalty * count);
        }
    }

    private int Draw(Span<float> z)
    {
        SamplingOptions o = _options;
        float invT = 1f / o.Temperature;
        int n = _vocab;
        Span<int> cand = _candidates;
        Span<float> keys = _keys;
        for (int i = 0; i < n; i++)
        {
            cand[i] = i;
            keys[i] = z[i] * invT;
        }

        bool sorted = false;
        if (o.TopK > 0 && o.TopK < n)
        {
            n = SelectTopK(keys, cand, o.TopK);
        }

        if (o.TopP < 1f)
        {
            SortDescending(keys[..n], cand[..n]);
            sorted = true;
        }

        // Softmax over the candidates, in place in keys (as probabilities, unnormalised by the max).
        float max = float.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            max = MathF.Max(max, keys[i]);
        }

        double total = 0;
        for (int i = 0; i < n; i++)
        {
            keys[i] = MathF.Exp(keys[i] - max);
            total += keys[i];
        }

        if (o.TopP < 1f && sorted)
        {
            double cumulative = 0;
            int keep = n;
            for (int i = 0; i < n; i++)
            {
                cumulative += keys[i];
                if (cumulative >= o.TopP * total)
                {
                    keep = i + 1;
                    break;
                }
            }

            n = keep;
        }

        if (o.MinP > 0f)
        {
            // After the exp above the most likely candidate has weight 1.
            int kept = 0;
            for (int i = 0; i < n; i++)
            {
                if (keys[i] >= o.MinP)
                {
                    keys[kept] = keys[i];
                    cand[kept] = cand[i];
                    kept++;
                }
            }

            n = kept;
        }

        total = 0;
        for (int i = 0; i < n; i++)
        {
            total += keys[i];
        }

        double u = _random.NextDouble() * total;
        double acc = 0;
        for (int i = 0; i < n; i++)
        {
            acc += keys[i];
            if (u < acc)
            {
                return cand[i];
            }
        }

        return cand[n - 1];
    }

    // Moves the k largest keys (with their candidates) to the front, in any order; returns k.
    private static int SelectTopK(Span<float> keys, Span<int> cand, int k)
    {
        // A min-heap of the best k seen so far, kept in keys[0..k).
        for (int i = (k / 2) - 1; i >= 0; i--)
        {
            SiftDown(keys, cand, i, k);
        }

        for (int i = k; i < keys.Length; i++)
        {
            if (keys[i] > keys[0] || (keys[i] == keys[0] && cand[i] < cand[0]))
            {
                keys[0] = keys[i];
                cand[0] = cand[i];
                SiftDown(keys, cand, 0, k);
            }
        }

        return k;
    }

    private static void SiftDown(Span<float> keys, Span<int> cand, int i, int n)
    {
        while (true)
        {
            int l = (2 * i) + 1;
            if (l >= n)
            {
                return;
            }

            int m = l + 1 < n && Less(keys, cand, l + 1, l) ? l + 1 : l;
            if (!Less(keys, cand, m, i))
            {
                return;
            }

            (keys[i], keys[m]) = (keys[m], keys[i]);
            (cand[i], cand[m]) = (cand[m], cand[i]);
            i = m;
        }
    }

    // Heap order: smaller key first; on equal keys the larger id counts as smaller, so lower ids win ties.
    private static bool Less(Span<float> keys, Span<int> cand, int a, int b) =>
        keys[a] < keys[b] || (keys[a] == keys[b] && cand[a] > cand[b]);

    private static void SortDescending(Span<float> keys, Span<int> cand)
    {
        // Ascending sort of the negated keys. Introsort is not stable, but it is deterministic for a given input,
        // which is all seeded reproducibility needs.
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = -keys[i];
        }

        keys.Sort(cand);
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = -keys[i];
        }
    }

    private int WriteTopLogprobs(Span<TokenLogprob> destination)
    {
        int n = Math.Min(_options.TopLogprobs, Math.Min(destination.Length, _vocab));
        for (int slot = 0; slot < n; slot++)
        {
            int best = -1;
            for (int i = 0; i < _vocab; i++)
            {
                if ((best < 0 || _logprobs[i] > _logprobs[best]) && !Taken(destination[..slot], i))
                {
                    best = i;
                }
            }

            destination[slot] = new TokenLogprob(best, _logprobs[best]);
        }

        return n;

        static bool Taken(ReadOnlySpan<TokenLogprob> chosen, int token)
        {
            foreach (TokenLogprob t in chosen)
            {
                if (t.Token == token)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
