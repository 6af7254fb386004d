namespace Myelin.Core.Storage;

/// <summary>Argument checks every storage provider applies the same way; each throws a Core exception naming what was wrong.</summary>
public static class StoreGuard
{
    /// <summary>Longest display name of a tenant or key.</summary>
    public const int MaxNameLength = 200;

    /// <summary>Longest checkpoint consumer name.</summary>
    public const int MaxConsumerLength = 128;

    /// <summary>The tenant's text; rejects a default (uninitialised) id.</summary>
    public static string Tenant(TenantId tenant)
    {
        if (tenant.Value is null)
        {
            throw new MyelinValidationException("invalid_tenant", "A tenant id is required.");
        }

        return tenant.Value;
    }

    /// <summary>A display name of 1-<see cref="MaxNameLength"/> characters, not blank.</summary>
    public static string Name(string? name, string field)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength)
        {
            throw new MyelinValidationException("invalid_name", $"'{field}' must be 1-{MaxNameLength} characters and not blank.");
        }

        return name;
    }

    /// <summary>A consumer name of 1-<see cref="MaxConsumerLength"/> characters without control characters.</summary>
    public static string Consumer(string? consumer)
    {
        if (string.IsNullOrEmpty(consumer) || consumer.Length > MaxConsumerLength || consumer.Any(char.IsControl))
        {
            throw new MyelinValidationException(
                "invalid_consumer", $"A consumer name must be 1-{MaxConsumerLength} characters without control characters.");
        }

        return consumer;
    }

    /// <summary>A defined <see cref="Core.Role"/>.</summary>
    public static Role Role(Role role)
    {
        if (!Enum.IsDefined(role))
        {
            throw new MyelinValidationException("invalid_role", $"Role {(int)role} is not one of Reader, Writer, Admin.");
        }

        return role;
    }
}
