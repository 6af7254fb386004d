using System.Globalization;
using Myelin.Core;

namespace Myelin.Evals.Monitoring;

/// <summary>Human feedback on a trace or one of its spans: thumbs, a score, a label for an evaluator, a comment.</summary>
/// <remarks>
/// A label with <see cref="Evaluator"/> set is a human verdict on that evaluator (metric name or finding kind) for the
/// trace; agreement pairs it with the evaluator's own label (<c>pass</c>/<c>fail</c>, <c>flagged</c>/<c>ok</c>, or the
/// metric's label), so humans label in the evaluator's vocabulary.
/// </remarks>
public sealed record Feedback
{
    /// <summary>The longest comment.</summary>
    public const int MaxCommentLength = 4000;

    /// <summary>Id, assigned when stored.</summary>
    public long Id { get; init; }

    /// <summary>The trace (32 lowercase hex characters).</summary>
    public required string TraceId { get; init; }

    /// <summary>The span (16 hex characters), when the feedback is on one span.</summary>
    public string? SpanId { get; init; }

    /// <summary><c>up</c> or <c>down</c>.</summary>
    public string? Thumbs { get; init; }

    /// <summary>A score in [0, 1].</summary>
    public double? Score { get; init; }

    /// <summary>A categorical verdict (e.g. <c>pass</c>, <c>fail</c>, <c>flagged</c>, <c>ok</c>).</summary>
    public string? Label { get; init; }

    /// <summary>Free text.</summary>
    public string? Comment { get; init; }

    /// <summary>The evaluator (metric name or finding kind) the label judges, for agreement.</summary>
    public string? Evaluator { get; init; }

    /// <summary>Who gave it (the API key id).</summary>
    public string Author { get; init; } = string.Empty;

    /// <summary>When it was stored.</summary>
    public DateTimeOffset At { get; init; }

    /// <summary>Throws <see cref="MyelinValidationException"/> when the feedback is malformed or empty.</summary>
    public void Validate()
    {
        if (TraceId is not { Length: 32 } || !TraceId.All(char.IsAsciiHexDigitLower))
        {
            throw new MyelinValidationException("invalid_trace_id", $"'{TraceId}' is not a trace id: use 32 lowercase hex characters.");
        }

        if (SpanId is not null && (SpanId.Length != 16 || !SpanId.All(char.IsAsciiHexDigitLower)))
        {
            throw new MyelinValidationException("invalid_feedback", "'spanId' must be 16 lowercase hex characters.");
        }

        if (Thumbs is not (null or "up" or "down"))
        {
            throw new MyelinValidationException("invalid_feedback", "'thumbs' must be 'up' or 'down'.");
        }

        if (Score is { } score && !(score >= 0 && score <= 1))
        {
            throw new MyelinValidationException(
                "invalid_feedback", string.Create(CultureInfo.InvariantCulture, $"'score' must be from 0 to 1, got {score}."));
        }

        if (Label is not null && (string.IsNullOrWhiteSpace(Label) || Label.Length > 64))
        {
            throw new MyelinValidationException("invalid_feedback", "'label' must be 1-64 characters.");
        }

        if (Evaluator is not null && (string.IsNullOrWhiteSpace(Evaluator) || Evaluator.Length > 256))
        {
            throw new MyelinValidationException("invalid_feedback", "'evaluator' must be 1-256 characters.");
        }

        if (Evaluator is not null && Label is null)
        {
            throw new MyelinValidationException("invalid_feedback", "Feedback naming an 'evaluator' needs the human 'label' for it.");
        }

        if (Comment is { Length: > MaxCommentLength })
        {
            throw new MyelinValidationException("invalid_feedback", $"'comment' holds at most {MaxCommentLength} characters.");
        }

        if (Thumbs is null && Score is null && Label is null && string.IsNullOrWhiteSpace(Comment))
        {
            throw new MyelinValidationException("invalid_feedback", "Feedback needs at least one of 'thumbs', 'score', 'label' or 'comment'.");
        }
    }
}
