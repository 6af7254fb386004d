using System.Diagnostics.CodeAnalysis;
using Myelin.Core;

namespace Myelin.Memory;

/// <summary>Where a memory belongs: tenant, then user, then optionally agent and session.</summary>
/// <remarks>
/// Every stored item carries its full scope and every query is filtered by tenant and user, so one user's memories
/// never reach another's. The server takes <see cref="Tenant"/> from the caller's credential, never from a body.
/// </remarks>
public sealed record MemoryScope
{
    /// <summary>Longest accepted user, agent or session id.</summary>
    public const int MaxIdLength = 128;

    /// <summary>Creates a scope, validating each id.</summary>
    /// <exception cref="MyelinValidationException">An id is empty, too long or contains control characters.</exception>
    public MemoryScope(TenantId tenant, string userId, string? agentId = null, string? sessionId = null)
    {
        Tenant = tenant;
        UserId = Check(userId, "user_id", required: true)!;
        AgentId = Check(agentId, "agent_id", required: false);
        SessionId = Check(sessionId, "session_id", required: false);
    }

    /// <summary>The tenant.</summary>
    public TenantId Tenant { get; }

    /// <summary>The end user the memory is about.</summary>
    public string UserId { get; }

    /// <summary>The agent that holds the memory, or null when shared by all agents of the user.</summary>
    public string? AgentId { get; }

    /// <summary>The conversation session, or null for memories that outlive a session.</summary>
    public string? SessionId { get; }

    /// <summary>Whether <paramref name="value"/> is an acceptable user, agent or session id.</summary>
    public static bool IsValidId([NotNullWhen(true)] string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxIdLength)
        {
            return false;
        }

        foreach (char c in value)
        {
            if (char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }

    private static string? Check(string? value, string name, bool required)
    {
        if (value is null && !required)
        {
            return null;
        }

        if (!IsValidId(value))
        {
            throw new MyelinValidationException(
                "invalid_memory_scope",
                $"The {name} '{value}' is invalid: use 1-{MaxIdLength} characters without control characters.");
        }

        return value;
    }
}
