using System.Text.RegularExpressions;

namespace Myelin.Memory.Internal;

/// <summary>The statement patterns of the model-free extractor. A value runs to the end of its clause: punctuation, a
/// conjunction, or a time phrase ends it.</summary>
internal static partial class ExtractionPatterns
{
    private const string Clause = @"(?<v>[\p{L}\p{N}][\p{L}\p{N}'&\- ]{0,60}?)(?=\s*(?:[.,!?;:()]|$|\d{1,3} (?:day|week|month|year)s? ago|\b(?:and|but|because|since|so|now|these days|nowadays|anymore|for|from|next|last|this|on|in|at|with|tomorrow|today|yesterday)\b))";
    private const string Name = @"(?-i:(?<v>\p{Lu}[\p{L}'\-]+(?: \p{Lu}[\p{L}'\-]+)?))";
    private const string I = @"\bi(?:'ve| have| had)?(?: (?:just|recently|finally|now|actually|also|still|really))*";
    private const string IOrWe = @"\b(?:i|we)(?:'ve| have| had)?(?: (?:just|recently|finally|now|actually|also|still|really))*";
    private const string IOrWeAre = @"\b(?:i'm|i am|we're|we are)(?: (?:just|now|actually|also|still|currently))*";
    private const string IAm = @"\bi(?:'m| am)(?: (?:just|now|actually|also|still|currently))*";

    internal const string SingleRelations = "wife|husband|partner|boyfriend|girlfriend|fiancee?|mother|mom|mum|father|dad|boss|manager";
    internal const string ManyRelations = "son|daughter|brother|sister|friend|best friend|colleague|dog|cat|cousin|kid|child";

    [GeneratedRegex(@"\bmy name is " + Name + @"|\b(?:call me|i go by) " + Name, RegexOptions.IgnoreCase)]
    public static partial Regex Identity();

    [GeneratedRegex(IAm + @" (?<v>\d{1,3}) years? old\b", RegexOptions.IgnoreCase)]
    public static partial Regex Age();

    [GeneratedRegex(
        IOrWe + @" (?:live|lives|living|moved|relocated|settled)(?: back| down)? (?:in|to) " + Clause + "|" + IOrWeAre +
        @" (?:living|based) in " + Clause,
        RegexOptions.IgnoreCase)]
    public static partial Regex Home();

    [GeneratedRegex(
        I + @" (?:work|working|started working|started a new job|took a job|got a job) (?:at|for) " + Clause + "|" +
        I + @" joined " + Clause + "|" + IAm + @" (?:working|employed) (?:at|for|by) " + Clause + "|" +
        @"\b(?:i )?(?:got|accepted|took) (?:an?|the) (?:job )?offer (?:from|at) " + Clause,
        RegexOptions.IgnoreCase)]
    public static partial Regex Employer();

    [GeneratedRegex(I + @" work as (?:an? )?" + Clause + @"|\bmy (?:job|role|profession) is (?:an? )?" + Clause, RegexOptions.IgnoreCase)]
    public static partial Regex Role();

    [GeneratedRegex(@"\bmy fav(?:ou?rite) (?<k>[\p{L}]+(?: [\p{L}]+)?) (?:is|are|has become|became) (?:now )?" + Clause, RegexOptions.IgnoreCase)]
    public static partial Regex Favourite();

    [GeneratedRegex(
        "(?:" + I + @" (?<p>love|like|enjoy|adore|prefer)|" + IAm + @" (?<p>into|(?:a )?(?:big |huge )?fan of|fond of)) " + Clause,
        RegexOptions.IgnoreCase)]
    public static partial Regex Likes();

    [GeneratedRegex(
        I + @" (?<p>hate|dislike|can't stand|cannot stand|don't like|do not like|no longer like|don't enjoy|stopped liking) " + Clause,
        RegexOptions.IgnoreCase)]
    public static partial Regex Dislikes();

    [GeneratedRegex(IAm + @" (?:allergic to|intolerant to) " + Clause, RegexOptions.IgnoreCase)]
    public static partial Regex Allergy();

    [GeneratedRegex(IAm + @" (?:a |an )?(?<v>vegetarian|vegan|pescatarian|teetotal|gluten-free)\b", RegexOptions.IgnoreCase)]
    public static partial Regex Diet();

    [GeneratedRegex(
        @"\bmy (?<rel>" + SingleRelations + "|" + ManyRelations + @")(?:'s name is| is called| is named| named|,)? " + Name +
        @"|" + Name + @" is my (?<rel>" + SingleRelations + "|" + ManyRelations + @")\b",
        RegexOptions.IgnoreCase)]
    public static partial Regex Relation();

    [GeneratedRegex(
        @"(?:" + IAm + @" (?:going|planning|hoping|about) to|" + I + @" (?:plan|intend|want|need) to|" + I + @" will|\bi'll) " +
        @"(?<v>[^.!?;]{3,120})",
        RegexOptions.IgnoreCase)]
    public static partial Regex Plan();

    [GeneratedRegex(@"\b(?:please )?(?<p>always|never) (?<v>[^.!?;]{3,120})", RegexOptions.IgnoreCase)]
    public static partial Regex Instruction();

    [GeneratedRegex("^(?:" + SingleRelations + ")$")]
    public static partial Regex SingleRelation();

    [GeneratedRegex(@"(?<=[.!?;\n])\s+")]
    public static partial Regex SentenceBreak();
}
