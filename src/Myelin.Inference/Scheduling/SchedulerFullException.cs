namespace Myelin.Inference.Scheduling;

/// <summary>The scheduler's queue is full; retry after <see cref="RetryAfter"/>.</summary>
public sealed class SchedulerFullException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SchedulerFullException()
        : this("The inference queue is full; retry shortly.", TimeSpan.FromSeconds(1))
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SchedulerFullException(string message)
        : this(message, TimeSpan.FromSeconds(1))
    {
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public SchedulerFullException(string message, Exception innerException)
        : base(message, innerException)
    {
        RetryAfter = TimeSpan.FromSeconds(1);
    }

    /// <summary>Creates the exception with a retry hint.</summary>
    public SchedulerFullException(string message, TimeSpan retryAfter)
        : base(message)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>How long the caller should wait before retrying.</summary>
    public TimeSpan RetryAfter { get; }
}
