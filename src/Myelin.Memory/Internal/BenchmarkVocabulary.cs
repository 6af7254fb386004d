namespace Myelin.Memory.Internal;

/// <summary>Words and templates of the generated conversation benchmark. "{v}" is a value, "{n}" a speaker name,
/// "{c}", "{f}", "{o}", "{p}" random city, food, company and person.</summary>
internal static class BenchmarkVocabulary
{
    public static readonly string[] Names =
    [
        "Alice", "Bruno", "Chloe", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kavya", "Liam", "Mei",
        "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Victor", "Wen", "Ximena", "Yusuf", "Zoe",
    ];

    public static readonly string[] Cities =
    [
        "Lisbon", "Porto", "Oslo", "Lima", "Kyoto", "Quito", "Dublin", "Vienna", "Krakow", "Nairobi", "Austin", "Denver",
        "Seville", "Tallinn", "Hanoi", "Perth", "Bergen", "Zurich", "Valencia", "Montreal", "Osaka", "Cairo", "Bogota", "Leeds",
    ];

    public static readonly string[] Companies =
    [
        "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark Industries", "Wonka", "Cyberdyne", "Soylent",
        "Tyrell", "Aperture", "Massive Dynamic", "Gringotts", "Oscorp", "Wayne Enterprises",
    ];

    public static readonly string[] Jobs =
    [
        "nurse", "carpenter", "pilot", "teacher", "data analyst", "chef", "architect", "lawyer", "photographer", "librarian",
        "electrician", "pharmacist", "journalist", "translator", "veterinarian", "firefighter",
    ];

    public static readonly string[] Foods =
    [
        "ramen", "paella", "sushi", "lasagna", "tacos", "falafel", "pho", "risotto", "dumplings", "curry", "goulash",
        "ceviche", "pierogi", "moussaka", "bibimbap", "gnocchi",
    ];

    public static readonly string[] Sports =
    [
        "tennis", "climbing", "rowing", "cycling", "badminton", "fencing", "surfing", "volleyball", "judo", "skiing", "squash",
        "archery",
    ];

    public static readonly PlantedAttribute[] Attributes =
    [
        new("home", Cities,
            ["I just moved to {v}.", "I live in {v} now.", "We finally settled in {v}, the new flat is great.", "These days I'm living in {v}."],
            ["Where does {n} live now?", "Which city does {n} live in?"],
            "Where did {n} live before moving?"),
        new("employer", Companies,
            ["I started working at {v} this week.", "I work at {v} now.", "I just joined {v}.", "Got an offer from {v} and accepted it!"],
            ["Where does {n} work?", "Which company does {n} work for?"],
            "Where did {n} work previously?"),
        new("job", Jobs,
            ["I work as a {v}.", "My job is {v} now.", "I retrained and I work as a {v} these days."],
            ["What does {n} do for work?", "What is {n}'s job?"],
            "What was {n}'s previous job?"),
        new("food", Foods,
            ["My favorite food is {v}.", "My favourite food is {v} these days.", "Honestly my favorite food is now {v}."],
            ["What is {n}'s favorite food?"],
            "What was {n}'s favorite food before?"),
        new("sport", Sports,
            ["My favorite sport is {v}.", "My favourite sport has become {v}."],
            ["Which sport is {n}'s favorite?"],
            "What was {n}'s favorite sport before?"),
    ];

    public static readonly string[] Distractors =
    [
        "My friend {p} lives in {c} and loves it.",
        "My colleague just moved to {c} for a new job.",
        "I read that {o} is hiring a lot of people.",
        "{o} announced layoffs today, crazy.",
        "I cooked {f} for my neighbours yesterday.",
        "Do you know a good recipe for {f}?",
        "The weather in {c} was lovely on my trip.",
        "My cousin works as a nurse at a hospital in {c}.",
        "Can you recommend a podcast about history?",
        "I had a long day and I'm pretty tired.",
        "What's a good way to learn Spanish quickly?",
        "I watched a documentary about whales last night.",
        "Remind me what a good stretching routine looks like.",
        "My sister {p} is visiting {c} next week.",
        "I'm thinking about buying a new bike.",
        "We watched a {s} match on TV, it was intense.",
    ];

    public static readonly string[] AssistantReplies =
    [
        "That sounds great, tell me more.", "Thanks for sharing that!", "Got it, I'll keep that in mind.",
        "Interesting! How do you feel about it?", "Here is a suggestion: start small and build a habit.",
        "Happy to help with that.", "That must have been a lot of work.",
    ];

    internal sealed record PlantedAttribute(string Name, string[] Values, string[] Plants, string[] Questions, string PastQuestion);
}
