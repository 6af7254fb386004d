using System.Text;
using Myelin.Models.Tokenization;

namespace Myelin.Inference.Benchmarking;

/// <summary>
/// A multi-session agent workload: one long shared system prompt, several sessions of several turns each, replayed
/// interleaved (turn 1 of every session, then turn 2, ...) as agents hitting one server do.
/// </summary>
/// <param name="SystemPrompt">The shared system prompt (tools, instructions).</param>
/// <param name="Sessions">Each session's user messages in order.</param>
public sealed record AgentTrace(string SystemPrompt, IReadOnlyList<IReadOnlyList<string>> Sessions)
{
    /// <summary>A seeded trace whose system prompt has about <paramref name="systemWords"/> words (≈ 1.3 tokens each).</summary>
    public static AgentTrace Generate(int seed, int sessions, int turns, int systemWords = 1200)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sessions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(turns, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(systemWords, 1);
        string corpus = TrainingCorpus.Generate(seed, sentences: Math.Max(50, systemWords / 6));
        string[] words = corpus.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        var system = new StringBuilder("You are an agent with these tools and rules.\n");
        for (int i = 0; i < systemWords; i++)
        {
            system.Append(words[i % words.Length]).Append(i % 17 == 16 ? '\n' : ' ');
        }

        var random = new Random(seed);
        var all = new List<IReadOnlyList<string>>(sessions);
        for (int s = 0; s < sessions; s++)
        {
            var messages = new List<string>(turns);
            for (int t = 0; t < turns; t++)
            {
                int start = random.Next(words.Length - 30);
                messages.Add($"Session {s} step {t}: " + string.Join(' ', words.AsSpan(start, 12 + random.Next(18)).ToArray()));
            }

            all.Add(messages);
        }

        return new AgentTrace(system.ToString(), all);
    }

    /// <summary>(session, turn) pairs in replay order: every session's first turn, then every second turn, ...</summary>
    public IEnumerable<(int Session, int Turn)> Interleaved()
    {
        int turns = Sessions.Max(s => s.Count);
        for (int t = 0; t < turns; t++)
        {
            for (int s = 0; s < Sessions.Count; s++)
            {
                if (t < Sessions[s].Count)
                {
                    yield return (s, t);
                }
            }
        }
    }
}
