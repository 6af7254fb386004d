namespace Myelin.Evals.Monitoring;

/// <summary>One attempt to deliver an alert event to its rule's webhook.</summary>
/// <param name="EventId">The event.</param>
/// <param name="Rule">The rule.</param>
/// <param name="Attempt">1-based attempt number.</param>
/// <param name="At">When the attempt finished.</param>
/// <param name="StatusCode">The HTTP status received; null when no response came.</param>
/// <param name="Error">Why it failed (transport error or non-2xx); null on success.</param>
public sealed record WebhookDelivery(long EventId, string Rule, int Attempt, DateTimeOffset At, int? StatusCode, string? Error)
{
    /// <summary>Whether the receiver answered 2xx.</summary>
    public bool Succeeded => Error is null;
}
