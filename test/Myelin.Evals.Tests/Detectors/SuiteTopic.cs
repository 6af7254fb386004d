namespace Myelin.Evals.Detectors;

/// <summary>One topic of the labelled detector suite: typed questions with golden answers, a description and grounding context.</summary>
public sealed record SuiteTopic(
    string Name,
    string Context,
    string Describe,
    string More,
    (string Question, string Answer, string Short, string Wrong) Number,
    (string Question, string Answer, string Short) Date,
    (string Question, string Answer) YesNo,
    (string Question, string Answer) Choice,
    (string Question, string[] Items) List,
    string Offtopic,
    string Ungrounded)
{
    public static readonly SuiteTopic[] All =
    [
        new(
            "the Eiffel Tower",
            "The Eiffel Tower is a wrought iron lattice tower on the Champ de Mars in Paris. It was completed in 1889 and is 330 metres tall. Visitors can climb the stairs, dine at the restaurant or visit the summit.",
            "The Eiffel Tower is a wrought iron lattice tower in Paris, completed in 1889 and about 330 metres tall.",
            "Visitors can climb the stairs of the tower, dine at its restaurant or take the lift to the summit.",
            ("How tall is the Eiffel Tower in metres?", "The Eiffel Tower is 330 metres tall.", "330 metres.", "The Eiffel Tower is 450 metres tall."),
            ("When was the Eiffel Tower completed?", "It was completed in 1889.", "In 1889."),
            ("Is the Eiffel Tower in Paris?", "Yes, it stands on the Champ de Mars in Paris."),
            ("Is the Eiffel Tower made of iron or stone?", "It is made of wrought iron."),
            ("List three things visitors can do at the Eiffel Tower.", ["climb the stairs", "dine at the restaurant", "visit the summit"]),
            "The tower is one of the most visited monuments in the world and a symbol of France.",
            "The Eiffel Tower was designed by Leonardo da Vinci as a lighthouse for ships on the Seine."),
        new(
            "the Great Wall of China",
            "The Great Wall of China is a series of stone and earth fortifications about 21196 kilometres long. It was named a World Heritage Site in 1987. The Qin, Han and Ming dynasties built major sections. It is not visible from the Moon with the naked eye.",
            "The Great Wall of China is a series of stone and earth fortifications stretching about 21196 kilometres across northern China.",
            "The Qin, Han and Ming dynasties each built major sections of the wall to defend the northern frontier.",
            ("How long is the Great Wall of China in kilometres?", "The Great Wall of China is about 21196 kilometres long.", "About 21196 km.", "The Great Wall of China is 8000 kilometres long."),
            ("In what year was the Great Wall named a World Heritage Site?", "It was named a World Heritage Site in 1987.", "1987."),
            ("Is the Great Wall visible from the Moon with the naked eye?", "No, it is not visible from the Moon with the naked eye."),
            ("Was the Great Wall built mainly of stone or glass?", "Mainly of stone and earth."),
            ("Name three dynasties that built the Great Wall.", ["the Qin", "the Han", "the Ming"]),
            "The wall winds over mountains and deserts and draws millions of tourists every year.",
            "The Great Wall of China was built in a single year by Roman engineers using steel."),
        new(
            "photosynthesis",
            "Photosynthesis takes place in the chloroplasts of plant cells. It uses carbon dioxide, water and light to make glucose, and releases oxygen. Six molecules of carbon dioxide make one glucose molecule. Jan Ingenhousz showed in 1779 that light is needed.",
            "Photosynthesis is the process by which plants use light, water and carbon dioxide in their chloroplasts to make glucose and release oxygen.",
            "Jan Ingenhousz showed in 1779 that plants need light for photosynthesis, and the glucose made feeds the plant.",
            ("How many molecules of carbon dioxide does photosynthesis use to make one glucose molecule?", "Photosynthesis uses 6 molecules of carbon dioxide per glucose molecule.", "Six.", "Photosynthesis uses 12 molecules of carbon dioxide per glucose molecule."),
            ("When did Jan Ingenhousz show that light is needed for photosynthesis?", "He showed it in 1779.", "1779."),
            ("Does photosynthesis release oxygen?", "Yes, oxygen is released as a by-product."),
            ("Does photosynthesis happen in the chloroplasts or the mitochondria?", "It happens in the chloroplasts."),
            ("List the three inputs of photosynthesis.", ["carbon dioxide", "water", "light"]),
            "Plants are essential to life on Earth and many animals depend on them for food.",
            "Photosynthesis happens in the roots at night and produces nitrogen gas."),
        new(
            "Python",
            "Python is a dynamically typed programming language first released in 1991 by Guido van Rossum. It uses indentation to mark blocks. Python 3.12 has 35 keywords. Built-in data types include list, dict and tuple.",
            "Python is a dynamically typed programming language created by Guido van Rossum and first released in 1991; it marks blocks with indentation.",
            "Its built-in data types include lists, dictionaries and tuples, and the standard library covers many tasks.",
            ("How many keywords does Python 3.12 have?", "Python 3.12 has 35 keywords.", "35.", "Python 3.12 has 72 keywords."),
            ("When was Python first released?", "Python was first released in 1991.", "1991."),
            ("Is Python dynamically typed?", "Yes, Python is dynamically typed."),
            ("Does Python use indentation or braces to mark blocks?", "Python uses indentation to mark blocks."),
            ("Name three built-in Python data types.", ["list", "dict", "tuple"]),
            "Programming languages differ in syntax and many developers enjoy learning new ones.",
            "Python was created by Microsoft in 2005 and compiles directly to machine code."),
        new(
            "Mount Everest",
            "Mount Everest is 8849 metres high and lies on the border of Nepal and China. Edmund Hillary and Tenzing Norgay first climbed it in 1953.",
            "Mount Everest is the highest mountain on Earth at 8849 metres, on the border of Nepal and China.",
            "Edmund Hillary and Tenzing Norgay reached the summit first, in 1953, via the southeast ridge.",
            ("How high is Mount Everest in metres?", "Mount Everest is 8849 metres high.", "8849 m.", "Mount Everest is 7200 metres high."),
            ("When was Mount Everest first climbed?", "It was first climbed in 1953.", "In 1953."),
            ("Is Mount Everest on the border of Nepal and China?", "Yes, it lies on the border of Nepal and China."),
            ("Was Everest first climbed by Hillary or Mallory?", "By Hillary, together with Tenzing Norgay."),
            ("Name two countries that share Mount Everest.", ["Nepal", "China"]),
            "Mountaineering requires careful training, good equipment and respect for the weather.",
            "Mount Everest is an active volcano that last erupted in 1990."),
        new(
            "Marie Curie",
            "Marie Curie was born in Poland in 1867. She discovered polonium and radium and won two Nobel Prizes, in physics and chemistry.",
            "Marie Curie was a physicist and chemist born in Poland in 1867 who discovered polonium and radium.",
            "She won two Nobel Prizes, one in physics and one in chemistry, for her work on radioactivity.",
            ("How many Nobel Prizes did Marie Curie win?", "Marie Curie won 2 Nobel Prizes.", "Two.", "Marie Curie won 4 Nobel Prizes."),
            ("When was Marie Curie born?", "She was born in 1867.", "1867."),
            ("Did Marie Curie discover radium?", "Yes, she discovered radium and polonium."),
            ("Was Marie Curie born in Poland or France?", "She was born in Poland."),
            ("Name two elements Marie Curie discovered.", ["polonium", "radium"]),
            "Science has many famous figures whose work changed how we see the world.",
            "Marie Curie was born in Brazil and discovered electricity in 1920."),
    ];

    public static string ListAnswer(string[] items) => items.Length == 2
        ? $"{Cap(items[0])} and {items[1]}."
        : $"{Cap(items[0])}, {string.Join(", ", items[1..^1])} and {items[^1]}.";

    private static string Cap(string s) => char.ToUpperInvariant(s[0]) + s[1..];
}
