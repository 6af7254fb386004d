using System.Diagnostics.CodeAnalysis;

namespace Myelin.Core;

/// <summary>
/// Identifies a tenant. Every stored record carries one and every query is scoped by one.
/// </summary>
/// <remarks>
/// A tenant id is 1 to 64 characters of lower-case ASCII letters, digits, '-' and '_', starting with a letter or digit.
/// The server always takes the tenant from the caller's credential, never from a request body.
/// </remarks>
public readonly record struct TenantId
{
    /// <summary>The tenant that exists on every installation and whose admins may manage other tenants.</summary>
    public static readonly TenantId Default = new("default");

    /// <summary>Creates a tenant id, validating its form.</summary>
    /// <exception cref="MyelinValidationException">The value is not a valid tenant id.</exception>
    public TenantId(string value)
    {
        if (!IsValid(value))
        {
            throw new MyelinValidationException(
                "invalid_tenant",
                $"Tenant id '{value}' is invalid: use 1-64 characters of a-z, 0-9, '-' or '_', starting with a letter or digit.");
        }

        Value = value;
    }

    /// <summary>The tenant id's text.</summary>
    public string Value { get; }

    /// <summary>Whether <paramref name="value"/> is a well-formed tenant id.</summary>
    public static bool IsValid([NotNullWhen(true)] string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 64 || !char.IsAsciiLetterOrDigit(value[0]))
        {
            return false;
        }

        foreach (char c in value)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-' || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Value;
}
