namespace Myelin.Evals.Monitoring;

/// <summary>
/// Thrown by <see cref="WebhookConnector"/> when every address of a webhook's host lies in a blocked range; the message
/// is the reason, e.g. <c>target address 10.0.0.5 is private</c>.
/// </summary>
/// <remarks>
/// <see cref="HttpClient"/> wraps it in an <see cref="HttpRequestException"/>; <see cref="WebhookNotifier"/> finds it
/// there, logs its message as the attempt's error and does not retry.
/// </remarks>
public sealed class WebhookTargetBlockedException : Exception
{
    /// <summary>Creates the exception with the reason the target was refused.</summary>
    public WebhookTargetBlockedException(string reason)
        : base(reason)
    {
    }

    /// <summary>Creates the exception with a reason and the exception that caused it.</summary>
    public WebhookTargetBlockedException(string reason, Exception? innerException)
        : base(reason, innerException)
    {
    }

    /// <summary>Creates the exception with a generic reason.</summary>
    public WebhookTargetBlockedException()
        : base("The webhook target address is blocked.")
    {
    }

    /// <summary>The blocked-target exception in <paramref name="exception"/> or its inner exceptions; null when there is none.</summary>
    public static WebhookTargetBlockedException? Find(Exception? exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is WebhookTargetBlockedException blocked)
            {
                return blocked;
            }
        }

        return null;
    }
}
