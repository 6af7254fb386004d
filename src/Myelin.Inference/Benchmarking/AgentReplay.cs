using System.Diagnostics;
using Microsoft.Extensions.AI;
using Myelin.Models.Tokenization;

namespace Myelin.Inference.Benchmarking;

/// <summary>
/// Replays an <see cref="AgentTrace"/> against any chat client (typically an OpenAI-compatible endpoint), streaming every
/// answer, feeding it back into its session, and measuring what the server did.
/// </summary>
public static class AgentReplay
{
    /// <summary>Runs the trace; <paramref name="progress"/> is told after each request.</summary>
    /// <param name="client">The server to measure.</param>
    /// <param name="trace">The workload.</param>
    /// <param name="options">Per-request options (max tokens, temperature, seed).</param>
    /// <param name="tokenizer">The served model's tokenizer and template, to compute the ideal reuse; null to skip it.</param>
    /// <param name="progress">Called with (done, total) after each request.</param>
    /// <param name="cancellationToken">Stops the replay.</param>
    public static async Task<ReplayReport> RunAsync(
        IChatClient client, AgentTrace trace, ChatOptions options, (Tokenizer Tokenizer, ChatTemplate Template)? tokenizer = null,
        Action<int, int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(options);
        var histories = trace.Sessions.Select(_ => new List<ChatMessage> { new(ChatRole.System, trace.SystemPrompt) }).ToList();
        var seenPrompts = new List<int[]>();
        var results = new List<ReplayResult>();
        (int Session, int Turn)[] order = [.. trace.Interleaved()];
        var wall = Stopwatch.StartNew();
        foreach ((int session, int turn) in order)
        {
            List<ChatMessage> history = histories[session];
            history.Add(new ChatMessage(ChatRole.User, trace.Sessions[session][turn]));
            long? ideal = tokenizer is { } t ? IdealCached(t.Tokenizer, t.Template, history, seenPrompts) : null;

            var clock = Stopwatch.StartNew();
            TimeSpan? first = null, last = null;
            var gaps = new List<TimeSpan>();
            var text = new System.Text.StringBuilder();
            UsageDetails? usage = null;
            await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync(history, options, cancellationToken).ConfigureAwait(false))
            {
                usage = update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details ?? usage;
                if (update.Text.Length == 0)
                {
                    continue;
                }

                TimeSpan now = clock.Elapsed;
                if (first is null)
                {
                    first = now;
                }
                else
                {
                    gaps.Add(now - last!.Value);
                }

                last = now;
                text.Append(update.Text);
            }

            history.Add(new ChatMessage(ChatRole.Assistant, text.ToString()));
            results.Add(new ReplayResult(
                session, turn, first ?? clock.Elapsed, gaps, clock.Elapsed, usage?.InputTokenCount ?? 0, usage?.CachedInputTokenCount ?? 0,
                usage?.OutputTokenCount ?? 0, ideal));
            progress?.Invoke(results.Count, order.Length);
        }

        return new ReplayReport(results, wall.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(200));
    }

    /// <summary>The longest token prefix this prompt shares with any earlier prompt: what a tree-shaped cache could reuse.</summary>
    private static long IdealCached(Tokenizer tokenizer, ChatTemplate template, List<ChatMessage> history, List<int[]> seen)
    {
        string rendered = template.Render([.. history.Select(m => new ChatTurn(m.Role.Value, m.Text))]);
        int[] prompt = [.. tokenizer.Encode(rendered, addSpecial: false, parseSpecial: true)];
        int best = 0;
        foreach (int[] earlier in seen)
        {
            int shared = prompt.AsSpan().CommonPrefixLength(earlier);
            best = Math.Max(best, shared);
        }

        seen.Add(prompt);

        // The last prompt token is always computed (it produces the first logits).
        return Math.Min(best, prompt.Length - 1);
    }
}
