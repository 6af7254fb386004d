using Myelin.Core;

namespace Myelin.Evals.Evaluators;

/// <summary>Per-call evaluation options.</summary>
public sealed class EvaluationOptions
{
    /// <summary>Overrides the evaluator's pass threshold on the normalised score (0-1); null keeps the evaluator's own.</summary>
    public double? PassThreshold { get; set; }

    /// <summary>The tenant the evaluation runs for; scopes judge-cache rows. Defaults to <see cref="TenantId.Default"/>.</summary>
    public TenantId? Tenant { get; set; }
}
