using Microsoft.Extensions.AI;
using Myelin.Core;

namespace Myelin.Evals.Experiments;

/// <summary>Settings of one experiment run.</summary>
public sealed class ExperimentOptions
{
    /// <summary>A display name for the run.</summary>
    public string? Name { get; set; }

    /// <summary>How many items are in flight at once (1-64, default 4).</summary>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Chat options sent with every target call; null for the client's defaults.</summary>
    public ChatOptions? ChatOptions { get; set; }

    /// <summary>Receives a report after each item completes.</summary>
    public IProgress<ExperimentProgress>? Progress { get; set; }

    /// <summary>The tenant the run belongs to (scopes judge-cache rows). Defaults to <see cref="TenantId.Default"/>.</summary>
    public TenantId? Tenant { get; set; }

    /// <summary>The clock stamping the run; null for the system clock.</summary>
    public TimeProvider? TimeProvider { get; set; }
}
