namespace Myelin.Inference.Caching;

/// <summary>
/// The isolation domain of the prefix cache: a lookup only ever matches prefixes stored under the same tenant, so one
/// tenant can neither read another's KV nor learn from timing that another tenant sent a prompt.
/// </summary>
/// <param name="Value">The tenant's id; compared ordinally.</param>
public readonly record struct CacheTenant(string Value)
{
    /// <summary>The tenant of single-tenant deployments.</summary>
    public static CacheTenant Default { get; } = new("default");

    /// <inheritdoc/>
    public override string ToString() => Value;
}
