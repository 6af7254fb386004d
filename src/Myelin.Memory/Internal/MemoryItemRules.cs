using Myelin.Core;

namespace Myelin.Memory.Internal;

/// <summary>What every memory store checks before writing an item.</summary>
internal static class MemoryItemRules
{
    public static void Validate(TenantId tenant, NewMemoryItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.Scope.Tenant != tenant)
        {
            throw new MyelinValidationException(
                "memory_tenant_mismatch", "A memory item names another tenant than the caller's; store it under its own tenant.");
        }

        if (string.IsNullOrWhiteSpace(item.Text) || item.Text.Length > NewMemoryItem.MaxTextLength)
        {
            throw new MyelinValidationException(
                "invalid_memory_text", $"Memory text must be 1 to {NewMemoryItem.MaxTextLength} characters and not blank.");
        }

        if (item.Importance is < 0 or > 1 || float.IsNaN(item.Importance))
        {
            throw new MyelinValidationException("invalid_importance", "Importance must be between 0 and 1.");
        }

        if (item.Subject is { Length: > 256 } || item.Value is { Length: > 4096 } || item.Speaker is { Length: > 256 })
        {
            throw new MyelinValidationException(
                "invalid_memory_field", "Subject and speaker may have at most 256 characters and value at most 4096.");
        }
    }
}
