using Myelin.Core;

namespace Myelin.Storage.Postgres.Internal;

/// <summary>Argument checks shared by the stores; each throws a Core exception naming what was wrong.</summary>
internal static class Guard
{
    public const int MaxNameLength = 200;
    public const int MaxConsumerLength = 128;

    public static string Tenant(TenantId tenant)
    {
        if (tenant.Value is null)
        {
            throw new MyelinValidationException("invalid_tenant", "A tenant id is required.");
        }

        return tenant.Value;
    }

    public static string Name(string? name, string field)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength)
        {
            throw new MyelinValidationException("invalid_name", $"'{field}' must be 1-{MaxNameLength} characters and not blank.");
        }

        return name;
    }

    public static string Consumer(string? consumer)
    {
        if (string.IsNullOrEmpty(consumer) || consumer.Length > MaxConsumerLength || consumer.Any(char.IsControl))
        {
            throw new MyelinValidationException(
                "invalid_consumer", $"A consumer name must be 1-{MaxConsumerLength} characters without control characters.");
        }

        return consumer;
    }

    public static Role Role(Role role)
    {
        if (!Enum.IsDefined(role))
        {
            throw new MyelinValidationException("invalid_role", $"Role {(int)role} is not one of Reader, Writer, Admin.");
        }

        return role;
    }
}
