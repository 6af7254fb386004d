using System.Globalization;
using static Myelin.Memory.Internal.BenchmarkVocabulary;

namespace Myelin.Memory.Evaluation;

/// <summary>Generates a seeded multi-session conversation benchmark: many users, each with attributes (home, employer,
/// job, favourite food and sport) that change over their timeline, distractor turns that reuse the same words about
/// other people, and questions whose ground truth is the turn that stated the version current at question time.</summary>
/// <remarks>Deterministic: the same options give the same data set on every platform.</remarks>
public static class ConversationBenchmarkGenerator
{
    /// <summary>Generates a data set.</summary>
    public static ConversationBenchmark Generate(ConversationBenchmarkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Users, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SessionsPerUser, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.UserTurnsPerSession, Attributes.Length);
        var random = new Random(options.Seed);
        var sessions = new List<BenchmarkSession>();
        var questions = new List<BenchmarkQuestion>();
        for (int u = 0; u < options.Users; u++)
        {
            GenerateUser(u, options, random, sessions, questions);
        }

        sessions.Sort((a, b) => a.Turns[0].Timestamp.CompareTo(b.Turns[0].Timestamp));
        return new ConversationBenchmark(options.Seed, sessions, questions);
    }

    private static void GenerateUser(
        int u, ConversationBenchmarkOptions options, Random random, List<BenchmarkSession> sessions, List<BenchmarkQuestion> questions)
    {
        string user = string.Create(CultureInfo.InvariantCulture, $"user-{u:D3}");
        string name = Names[u % Names.Length];

        // Plan each attribute's versions: (session, slot) positions and values, in timeline order.
        int slots = options.UserTurnsPerSession;
        var planted = new Dictionary<(int Session, int Slot), (PlantedAttribute Attr, string Value)>();
        var versions = new Dictionary<string, List<(int Session, int Slot, string Value)>>(StringComparer.Ordinal);
        foreach (PlantedAttribute attr in Attributes)
        {
            int count = 1 + random.Next(Math.Max(1, options.MaxVersions));
            var list = new List<(int, int, string)>();
            string? previous = null;
            for (int v = 0; v < count; v++)
            {
                int session = (int)((long)options.SessionsPerUser * v / count) + random.Next(Math.Max(1, options.SessionsPerUser / count));
                session = Math.Min(session, options.SessionsPerUser - 1);
                if (list.Count > 0 && session <= list[^1].Item1)
                {
                    session = list[^1].Item1 + 1;
                }

                int slot = random.Next(slots);
                for (int tries = 0; tries < slots && planted.ContainsKey((session, slot)); tries++)
                {
                    slot = (slot + 1) % slots;
                }

                if (session >= options.SessionsPerUser || planted.ContainsKey((session, slot)))
                {
                    continue;
                }

                string value;
                do
                {
                    value = attr.Values[random.Next(attr.Values.Length)];
                }
                while (value == previous);

                previous = value;
                planted[(session, slot)] = (attr, value);
                list.Add((session, slot, value));
            }

            versions[attr.Name] = list;
        }

        var turnIds = new Dictionary<(int Session, int Slot), string>();
        var times = new Dictionary<(int Session, int Slot), DateTimeOffset>();
        DateTimeOffset sessionStart = options.Start.AddHours(u * 7 % 24);
        for (int s = 0; s < options.SessionsPerUser; s++)
        {
            sessionStart = sessionStart.AddDays(20 + random.Next(15)).AddMinutes(random.Next(600));
            string sessionId = string.Create(CultureInfo.InvariantCulture, $"{user}-s{s:D2}");
            var turns = new List<BenchmarkTurn>();
            for (int t = 0; t < slots; t++)
            {
                DateTimeOffset at = sessionStart.AddMinutes(2 * t);
                string text = planted.TryGetValue((s, t), out var plant)
                    ? Fill(plant.Attr.Plants[random.Next(plant.Attr.Plants.Length)], plant.Value, name, random)
                    : Fill(Distractors[random.Next(Distractors.Length)], string.Empty, name, random);
                string id = string.Create(CultureInfo.InvariantCulture, $"u{u:D3}-s{s:D2}-t{2 * t:D2}");
                turnIds[(s, t)] = id;
                times[(s, t)] = at;
                turns.Add(new BenchmarkTurn(id, "user", name, text, at));
                turns.Add(new BenchmarkTurn(
                    string.Create(CultureInfo.InvariantCulture, $"u{u:D3}-s{s:D2}-t{(2 * t) + 1:D2}"),
                    "assistant", "Assistant", AssistantReplies[random.Next(AssistantReplies.Length)], at.AddMinutes(1)));
            }

            sessions.Add(new BenchmarkSession(user, sessionId, turns));
        }

        DateTimeOffset end = sessionStart.AddDays(1);
        foreach (PlantedAttribute attr in Attributes)
        {
            List<(int Session, int Slot, string Value)> list = versions[attr.Name];
            string Id((int Session, int Slot, string Value) v) => turnIds[(v.Session, v.Slot)];
            string q = Fill(attr.Questions[random.Next(attr.Questions.Length)], string.Empty, name, random);
            string qid = $"{user}-{attr.Name}";
            questions.Add(new BenchmarkQuestion(
                qid + "-current", user, BenchmarkQuestionKind.Current, attr.Name, q, end, list[^1].Value,
                [Id(list[^1])], [.. list.Take(list.Count - 1).Select(Id)]));
            if (list.Count < 2)
            {
                continue;
            }

            int j = random.Next(list.Count - 1);
            DateTimeOffset between = times[(list[j + 1].Session, list[j + 1].Slot)].AddDays(-1);
            questions.Add(new BenchmarkQuestion(
                qid + "-asof", user, BenchmarkQuestionKind.AsOf, attr.Name, q, between, list[j].Value,
                [Id(list[j])], [.. list.Take(j).Select(Id)]));
            questions.Add(new BenchmarkQuestion(
                qid + "-previous", user, BenchmarkQuestionKind.Previous, attr.Name, Fill(attr.PastQuestion, string.Empty, name, random),
                end, list[^2].Value, [Id(list[^2])], []));
        }
    }

    private static string Fill(string template, string value, string name, Random random) => template
        .Replace("{v}", value, StringComparison.Ordinal)
        .Replace("{n}", name, StringComparison.Ordinal)
        .Replace("{c}", Cities[random.Next(Cities.Length)], StringComparison.Ordinal)
        .Replace("{o}", Companies[random.Next(Companies.Length)], StringComparison.Ordinal)
        .Replace("{f}", Foods[random.Next(Foods.Length)], StringComparison.Ordinal)
        .Replace("{s}", Sports[random.Next(Sports.Length)], StringComparison.Ordinal)
        .Replace("{p}", Names[random.Next(Names.Length)], StringComparison.Ordinal);
}
