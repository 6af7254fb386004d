using System.Text.Json;
using Myelin.Core;
using Myelin.Core.Log;
using Myelin.Core.Storage;

namespace Myelin.Server.Endpoints;

/// <summary>Appends audit records of administrative actions to the affected tenant's log.</summary>
internal static class Audit
{
    public static Task RecordAsync(IMyelinStorage storage, TenantId tenant, Principal actor, string action, string target, CancellationToken cancellationToken)
    {
        string payload = JsonSerializer.Serialize(
            new AuditPayload(action, target, actor.Tenant.Value, actor.KeyId), ServerJsonContext.Default.AuditPayload);
        return storage.Log.AppendAsync(tenant, [new NewExperienceRecord(ExperienceKinds.Audit, payload)], cancellationToken);
    }
}

/// <summary>The body of an audit record.</summary>
/// <param name="Action">What was done, e.g. <c>key.create</c>.</param>
/// <param name="Target">What it was done to.</param>
/// <param name="ActorTenant">The acting key's tenant.</param>
/// <param name="ActorKeyId">The acting key's id.</param>
public sealed record AuditPayload(string Action, string Target, string ActorTenant, string ActorKeyId);
