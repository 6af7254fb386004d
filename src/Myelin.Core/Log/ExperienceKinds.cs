using System.Collections.Frozen;

namespace Myelin.Core.Log;

/// <summary>The kinds of records the experience log accepts.</summary>
/// <remarks>
/// Built-in kinds are listed here. Applications may append their own kinds with the <c>x.</c> prefix
/// (for example <c>x.billing</c>); anything else is rejected so that typos never reach the log.
/// </remarks>
public static class ExperienceKinds
{
    /// <summary>A trace span (model call, tool call, agent invocation).</summary>
    public const string Span = "span";

    /// <summary>A conversation turn.</summary>
    public const string Turn = "turn";

    /// <summary>An environment step of an episode.</summary>
    public const string Step = "step";

    /// <summary>A finished episode summary.</summary>
    public const string Episode = "episode";

    /// <summary>User or system feedback on an output.</summary>
    public const string Feedback = "feedback";

    /// <summary>A detector finding.</summary>
    public const string Finding = "finding";

    /// <summary>An evaluation result.</summary>
    public const string Evaluation = "evaluation";

    /// <summary>An audit record of an administrative action.</summary>
    public const string Audit = "audit";

    /// <summary>A model registry event (version registered, alias moved, rollback).</summary>
    public const string ModelEvent = "model_event";

    /// <summary>Prefix of application-defined kinds.</summary>
    public const string CustomPrefix = "x.";

    /// <summary>All built-in kinds.</summary>
    public static readonly FrozenSet<string> BuiltIn = FrozenSet.Create(
        StringComparer.Ordinal, Span, Turn, Step, Episode, Feedback, Finding, Evaluation, Audit, ModelEvent);

    /// <summary>Whether <paramref name="kind"/> is a built-in kind or a well-formed custom kind.</summary>
    public static bool IsValid(string? kind)
    {
        if (string.IsNullOrEmpty(kind))
        {
            return false;
        }

        if (BuiltIn.Contains(kind))
        {
            return true;
        }

        if (!kind.StartsWith(CustomPrefix, StringComparison.Ordinal) || kind.Length > 64 || kind.Length == CustomPrefix.Length)
        {
            return false;
        }

        foreach (char c in kind.AsSpan(CustomPrefix.Length))
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
