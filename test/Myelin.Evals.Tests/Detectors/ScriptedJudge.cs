using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace Myelin.Evals.Detectors;

/// <summary>
/// The deterministic judge of the labelled suite: it knows, per (question, answer), whether the judged property fails, and
/// answers like an imperfect judge: with probability <c>accuracy</c> a score on the right side (1-2 for a failure, 4-5
/// otherwise), else a uniformly random score 1-5. The noise is seeded by the request text, so a verdict never depends on order.
/// </summary>
public static partial class ScriptedJudge
{
    public const double Accuracy = 0.8;

    public static TestChatClient Create(IEnumerable<(string Question, string Answer, bool Fails)> truths, int seed, double accuracy = Accuracy)
    {
        var table = new Dictionary<string, bool?>(StringComparer.Ordinal);
        foreach ((string question, string answer, bool fails) in truths)
        {
            string key = Key(question, answer);
            // The same question and answer meaning different things in different sessions cannot be known from the text alone.
            table[key] = table.TryGetValue(key, out bool? known) && known != fails ? null : fails;
        }

        return new TestChatClient
        {
            Metadata = new ChatClientMetadata("scripted", null, "scripted-judge"),
            GetResponseAsyncCallback = (messages, _, _) =>
            {
                string user = messages.Last(m => m.Role == ChatRole.User).Text;
                Match question = Question().Match(user);
                Match answer = Answer().Match(user);
                bool? fails = question.Success && answer.Success ? table.GetValueOrDefault(Key(question.Groups[1].Value, answer.Groups[1].Value)) : null;
                var random = new Random(seed ^ StableHash(user));
                int score = fails switch
                {
                    null => 3,
                    _ when random.NextDouble() >= accuracy => random.Next(1, 6),
                    true => random.Next(1, 3),
                    false => random.Next(4, 6),
                };
                return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, $"{{\"score\": {score}, \"reason\": \"scripted\"}}")));
            },
        };
    }

    private static string Key(string question, string answer) => question.Trim() + "\u001f" + answer.Trim();

    private static int StableHash(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 16777619;
        }

        return (int)hash;
    }

    [GeneratedRegex(@"(?:Question|Current request):\s*(.*?)\n\n", RegexOptions.Singleline)]
    private static partial Regex Question();

    [GeneratedRegex(@"\nAnswer:\s*(.*?)\n\nScore 1", RegexOptions.Singleline)]
    private static partial Regex Answer();
}
