using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;

namespace Myelin.Inference.Routing;

/// <summary>
/// Routes each request to one of several replicas of the same model (local engines or remote OpenAI-compatible
/// servers), preferring the replica that most likely holds the prompt's prefix in its KV cache, and falling back to the
/// least loaded replica when load is imbalanced or no replica has a good match — the policy of SGLang's router.
/// A session's later turns extend its earlier prompts, so they land where its prefix already is.
/// </summary>
/// <remarks>Thread-safe. The router does not own the replicas unless <c>ownsReplicas</c> is set.</remarks>
public sealed class CacheAwareRouter : IChatClient
{
    private readonly IReadOnlyList<IChatClient> _replicas;
    private readonly ApproximatePrefixTree[] _trees;
    private readonly int[] _inFlight;
    private readonly long[] _routed;
    private readonly CacheAwareRouterOptions _options;
    private readonly bool _ownsReplicas;
    private readonly Lock _lock = new();

    /// <summary>Creates a router over at least one replica.</summary>
    public CacheAwareRouter(IReadOnlyList<IChatClient> replicas, CacheAwareRouterOptions? options = null, bool ownsReplicas = false)
    {
        ArgumentNullException.ThrowIfNull(replicas);
        ArgumentOutOfRangeException.ThrowIfZero(replicas.Count);
        _replicas = replicas;
        _options = options ?? new CacheAwareRouterOptions();
        _trees = [.. replicas.Select(_ => new ApproximatePrefixTree(_options.MaxTreeCharacters))];
        _inFlight = new int[replicas.Count];
        _routed = new long[replicas.Count];
        _ownsReplicas = ownsReplicas;
    }

    /// <summary>Requests sent to each replica so far.</summary>
    public IReadOnlyList<long> RoutedCounts
    {
        get
        {
            lock (_lock)
            {
                return [.. _routed];
            }
        }
    }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        List<ChatMessage> list = [.. messages];
        int replica = Acquire(list);
        try
        {
            return await _replicas[replica].GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Release(replica);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        List<ChatMessage> list = [.. messages];
        int replica = Acquire(list);
        try
        {
            await foreach (ChatResponseUpdate update in _replicas[replica].GetStreamingResponseAsync(list, options, cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }
        }
        finally
        {
            Release(replica);
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : _replicas[0].GetService(serviceType, serviceKey);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsReplicas)
        {
            foreach (IChatClient replica in _replicas)
            {
                replica.Dispose();
            }
        }
    }

    /// <summary>The text a replica's cache is keyed on, approximately: the conversation in order.</summary>
    internal static string PromptKey(IReadOnlyList<ChatMessage> messages)
    {
        var text = new StringBuilder();
        foreach (ChatMessage message in messages)
        {
            text.Append('\u001e').Append(message.Role.Value).Append('\u001f').Append(message.Text);
        }

        return text.ToString();
    }

    private int Acquire(IReadOnlyList<ChatMessage> messages)
    {
        string key = PromptKey(messages);
        lock (_lock)
        {
            // The idlest replica; among equally idle ones, the one holding the least cached text, so new sessions spread out.
            int idlest = 0, busiest = 0;
            for (int i = 1; i < _replicas.Count; i++)
            {
                if (_inFlight[i] < _inFlight[idlest] || (_inFlight[i] == _inFlight[idlest] && _trees[i].Characters < _trees[idlest].Characters))
                {
                    idlest = i;
                }

                busiest = _inFlight[i] > _inFlight[busiest] ? i : busiest;
            }

            bool imbalanced = _inFlight[busiest] - _inFlight[idlest] > _options.BalanceAbsoluteThreshold
                && _inFlight[busiest] > _options.BalanceRelativeThreshold * _inFlight[idlest];
            int chosen = idlest;
            if (!imbalanced)
            {
                int best = -1, bestMatch = -1;
                for (int i = 0; i < _replicas.Count; i++)
                {
                    int match = _trees[i].Match(key);
                    if (match > bestMatch || (match == bestMatch && _inFlight[i] < _inFlight[best]))
                    {
                        (best, bestMatch) = (i, match);
                    }
                }

                if (bestMatch >= _options.CacheThreshold * key.Length)
                {
                    chosen = best;
                }
            }

            _trees[chosen].Insert(key);
            _inFlight[chosen]++;
            _routed[chosen]++;
            return chosen;
        }
    }

    private void Release(int replica)
    {
        lock (_lock)
        {
            _inFlight[replica]--;
        }
    }
}
