namespace Myelin.Evals.Detectors;

/// <summary>
/// The seeded labelled suite: multi-turn conversations over <see cref="SuiteTopic.All"/> with failures of one kind injected
/// into some turns, clean controls, and hard negatives (confident and correct, long but on-topic, requested topic changes,
/// hedged and wrong). The same seed always yields the same suite.
/// </summary>
public static class DetectorSuite
{
    public const int Seed = 20240601;

    public static List<LabelledConversation> SilentMismatch(int conversations = 80, int seed = Seed)
    {
        var random = new Random(seed);
        var suite = new List<LabelledConversation>();
        for (int c = 0; c < conversations; c++)
        {
            SuiteTopic topic = Pick(random, SuiteTopic.All);
            var turns = new List<ConversationTurn>();
            var labels = new List<bool>();
            var variants = new List<string>();
            for (int t = 0; t < 4; t++)
            {
                (string question, string answer, string wrongType, string subtle) = TypedTurn(random, topic);
                bool typed = !question.StartsWith("Tell me about", StringComparison.Ordinal);
                double roll = typed ? random.NextDouble() : 0.5 + (random.NextDouble() / 2);
                (string reply, bool label, string variant) = roll switch
                {
                    < 0.22 => (wrongType, true, "injected: wrong answer type"),
                    < 0.27 => (subtle, true, "injected (subtle): wrong content of a plausible type"),
                    < 0.42 => ($"{answer} {topic.More}", false, "hard negative: long, right type"),
                    _ => (answer, false, "clean"),
                };
                if (t == 3 && random.NextDouble() < 0.5)
                {
                    SuiteTopic other = Pick(random, SuiteTopic.All.Where(x => x != topic).ToArray());
                    question = $"Compare {Title(topic.Name)} and {Title(other.Name)} in one sentence each.";
                    bool injected = random.NextDouble() < 0.4;
                    reply = injected ? topic.Describe : $"{topic.Describe} {other.Describe}";
                    (label, variant) = injected ? (true, "injected: entity left unaddressed") : (false, "clean: both entities");
                }

                turns.Add(new ConversationTurn { User = question, Assistant = reply, TraceId = TraceId(c, t) });
                labels.Add(label);
                variants.Add(variant);
            }

            suite.Add(new LabelledConversation(new Conversation($"sm-{c}", turns), [.. labels], [.. variants]));
        }

        return suite;
    }

    public static List<LabelledConversation> Drift(int conversations = 80, int seed = Seed + 1)
    {
        var random = new Random(seed);
        var suite = new List<LabelledConversation>();
        for (int c = 0; c < conversations; c++)
        {
            SuiteTopic topic = Pick(random, SuiteTopic.All);
            SuiteTopic other = Pick(random, SuiteTopic.All.Where(x => x != topic).ToArray());
            int driftAt = random.NextDouble() < 0.5 ? random.Next(1, 5) : int.MaxValue;
            int switchAt = driftAt == int.MaxValue && random.NextDouble() < 0.5 ? random.Next(1, 5) : int.MaxValue;
            var turns = new List<ConversationTurn> { new() { User = $"Tell me about {topic.Name}.", Assistant = topic.Describe } };
            var labels = new List<bool> { false };
            var variants = new List<string> { "clean" };
            SuiteTopic current = topic;
            for (int t = 1; t < 5; t++)
            {
                if (t == switchAt)
                {
                    current = other;
                    turns.Add(new ConversationTurn { User = $"Thanks. Now tell me about {other.Name} instead.", Assistant = other.Describe });
                    labels.Add(false);
                    variants.Add("hard negative: requested topic change");
                    continue;
                }

                (string question, string answer) = FollowUp(random, current);
                if (t >= driftAt)
                {
                    bool partial = t == driftAt && random.NextDouble() < 0.3;
                    string drifted = partial ? $"{answer} {other.Describe}" : $"{other.Describe} {other.More}";
                    turns.Add(new ConversationTurn { User = question, Assistant = drifted });
                    labels.Add(true);
                    variants.Add(partial ? "injected (subtle): answer then unrequested topic" : "injected: unrequested topic shift");
                }
                else
                {
                    bool longer = random.NextDouble() < 0.3;
                    turns.Add(new ConversationTurn { User = question, Assistant = longer ? $"{answer} {current.More} {current.Offtopic}" : answer });
                    labels.Add(false);
                    variants.Add(longer ? "hard negative: long but on topic" : "clean");
                }
            }

            suite.Add(new LabelledConversation(new Conversation($"dr-{c}", turns), [.. labels], [.. variants]));
        }

        return suite;
    }

    public static List<LabelledConversation> ConfidenceTrap(int conversations = 80, int seed = Seed + 2)
    {
        var random = new Random(seed);
        string[] boosters = ["Definitely", "Certainly", "Without a doubt,", "I'm sure:", "Absolutely."];
        string[] hedges = ["I think it might be this, but I'm not sure:", "Maybe, roughly:", "I believe, though I'm not certain:", "Possibly:"];
        var suite = new List<LabelledConversation>();
        for (int c = 0; c < conversations; c++)
        {
            SuiteTopic topic = Pick(random, SuiteTopic.All);
            var turns = new List<ConversationTurn>();
            var labels = new List<bool>();
            var variants = new List<string>();
            for (int t = 0; t < 3; t++)
            {
                string q = topic.Number.Question;
                string right = topic.Number.Answer;
                string wrong = topic.Number.Wrong;
                string boost = Pick(random, boosters);
                string hedge = Pick(random, hedges);
                double roll = random.NextDouble();
                ConversationTurn turn = roll switch
                {
                    < 0.12 => new() { User = q, Assistant = $"{boost} {wrong}", ExpectedOutput = topic.Number.Short },
                    < 0.20 => new() { User = $"Tell me about {topic.Name}.", Assistant = $"{boost} {topic.Ungrounded}", Context = [topic.Context] },
                    < 0.28 => new() { User = q, Assistant = $"{boost} {wrong}", Samples = [right, topic.Number.Short, right] },
                    < 0.33 => new() { User = q, Assistant = wrong, ExpectedOutput = topic.Number.Short, TokenConfidence = 0.97 },
                    < 0.50 => new() { User = q, Assistant = $"{boost} {right}", ExpectedOutput = topic.Number.Short, Context = [topic.Context] },
                    < 0.65 => new() { User = q, Assistant = $"{hedge} {wrong}", ExpectedOutput = topic.Number.Short },
                    < 0.72 => new() { User = q, Assistant = wrong, ExpectedOutput = topic.Number.Short, TokenConfidence = 0.35 },
                    < 0.82 => new() { User = $"Tell me about {topic.Name}.", Assistant = $"{boost} {topic.Describe}", Context = [topic.Context], Samples = [topic.Describe] },
                    _ => new() { User = q, Assistant = right, ExpectedOutput = topic.Number.Short },
                };
                (bool label, string variant) = roll switch
                {
                    < 0.12 => (true, "injected: confident, contradicts golden answer"),
                    < 0.20 => (true, "injected: confident, ungrounded claims"),
                    < 0.28 => (true, "injected: confident, disagrees with samples"),
                    < 0.33 => (true, "injected: high token confidence, wrong"),
                    < 0.50 => (false, "hard negative: confident and correct"),
                    < 0.65 => (false, "hard negative: hedged and wrong"),
                    < 0.72 => (false, "hard negative: low token confidence, wrong"),
                    < 0.82 => (false, "hard negative: confident, grounded description"),
                    _ => (false, "clean"),
                };
                turns.Add(turn with { TraceId = TraceId(c, t) });
                labels.Add(label);
                variants.Add(variant);
            }

            suite.Add(new LabelledConversation(new Conversation($"ct-{c}", turns), [.. labels], [.. variants]));
        }

        return suite;
    }

    private static (string Question, string Answer, string WrongType, string Subtle) TypedTurn(Random random, SuiteTopic topic) => random.Next(6) switch
    {
        0 => (topic.Number.Question, random.Next(2) == 0 ? topic.Number.Answer : topic.Number.Short, topic.Offtopic, topic.Date.Answer),
        1 => (topic.Date.Question, random.Next(2) == 0 ? topic.Date.Answer : topic.Date.Short, topic.Offtopic, topic.Number.Answer),
        2 => (topic.YesNo.Question, topic.YesNo.Answer, topic.Offtopic, "Not everyone agrees about that."),
        3 => (topic.Choice.Question, topic.Choice.Answer, topic.Offtopic, "Both are possible, depending on the case."),
        4 => (topic.List.Question, SuiteTopic.ListAnswer(topic.List.Items), $"{char.ToUpperInvariant(topic.List.Items[0][0])}{topic.List.Items[0][1..]}.", $"{topic.List.Items[0]} and many more."),
        _ => ($"Tell me about {topic.Name}.", topic.Describe, topic.Describe, topic.Offtopic),
    };

    private static (string Question, string Answer) FollowUp(Random random, SuiteTopic topic) => random.Next(5) switch
    {
        0 => (topic.Number.Question, topic.Number.Answer),
        1 => (topic.Date.Question, topic.Date.Answer),
        2 => (topic.YesNo.Question, topic.YesNo.Answer),
        3 => (topic.Choice.Question, topic.Choice.Answer),
        _ => ("Tell me more.", topic.More),
    };

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    private static string Title(string name) => name.StartsWith("the ", StringComparison.Ordinal) ? name : name;

    private static string TraceId(int conversation, int turn) => $"{conversation:x16}{turn:x16}";
}
