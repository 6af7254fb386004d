namespace Myelin.Core;

/// <summary>What an API key may do inside its tenant. Higher roles include the rights of lower ones.</summary>
public enum Role
{
    /// <summary>Read records of its tenant.</summary>
    Reader = 1,

    /// <summary>Read and append records of its tenant.</summary>
    Writer = 2,

    /// <summary>Everything in its tenant, including managing keys. Admins of <see cref="TenantId.Default"/> also manage tenants.</summary>
    Admin = 3,
}

/// <summary>The authenticated caller: the tenant and role come from the credential, never from a request body.</summary>
/// <param name="Tenant">The tenant the key belongs to.</param>
/// <param name="Role">The key's role.</param>
/// <param name="KeyId">The public id of the key (not the secret).</param>
public sealed record Principal(TenantId Tenant, Role Role, string KeyId)
{
    /// <summary>Whether this caller has at least <paramref name="required"/>.</summary>
    public bool Has(Role required) => Role >= required;

    /// <summary>Whether this caller may create tenants and manage keys of other tenants.</summary>
    public bool IsOperator => Role == Role.Admin && Tenant == TenantId.Default;
}
