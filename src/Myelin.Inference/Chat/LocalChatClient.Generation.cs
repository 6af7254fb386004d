using Myelin.Inference.Caching;
using Myelin.Inference.Sampling;

namespace Myelin.Inference.Chat;

/// <content>One request's generation state: cache lookup, prefill, and the sample-decode loop.</content>
public sealed partial class LocalChatClient
{
    private sealed class Generation(LocalChatClient owner, int[] prompt, SamplingOptions sampling, CacheTenant tenant)
    {
        private readonly KvSequence _sequence = owner._model.CreateSequence(Math.Min(owner._contextLength, prompt.Length + sampling.MaxTokens + 1));
        private readonly Sampler _sampler = new(sampling, owner._model.Shape.VocabSize);
        private readonly List<int> _tokens = [.. prompt];

        public int Generated => _sampler.GeneratedCount;

        /// <summary>Loads the cached prefix (all but the last prompt token), computes the rest; returns the cached count.</summary>
        public int Prefill()
        {
            int cached = owner._cache?.Load(tenant, prompt.AsSpan(0, prompt.Length - 1), _sequence) ?? 0;
            owner._model.Prefill(_sequence, prompt.AsSpan(cached), owner._logits, owner._options.PrefillChunk);
            _sampler.AddPromptTokens(prompt);
            return cached;
        }

        /// <summary>Samples the next token from the current logits and, unless generation stops, feeds it back.</summary>
        public (int Token, StopReason Stop) Next()
        {
            SampledToken sampled = _sampler.Sample(owner._logits, []);
            StopReason stop = _sampler.CheckStop(sampled.Token);
            if (stop == StopReason.StopToken)
            {
                return (sampled.Token, stop);
            }

            _tokens.Add(sampled.Token);
            if (stop == StopReason.None)
            {
                owner._model.Decode(_sequence, sampled.Token, owner._logits);
            }

            return (sampled.Token, stop);
        }

        /// <summary>Caches the KV of everything computed (prompt and completion) for the next turn of this conversation.</summary>
        public void StoreInCache() => owner._cache?.Store(tenant, _tokens.ToArray().AsSpan(0, _sequence.Length), _sequence);
    }
}
