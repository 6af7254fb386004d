using Microsoft.AspNetCore.Http.HttpResults;
using Myelin.Core;
using Myelin.Core.Storage;
using Myelin.Core.Tenancy;
using Myelin.Server.Auth;
using Myelin.Server.Http;

namespace Myelin.Server.Endpoints;

/// <summary>API key management: admins manage their tenant's keys; the operator may manage any tenant's.</summary>
public static class KeysApi
{
    /// <summary>Maps <c>/api/keys</c>.</summary>
    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder routes)
    {
        RouteGroupBuilder group = routes.MapGroup("/api/keys").WithTags("Keys").RequireAuthorization(ApiKeyDefaults.AdminPolicy);
        group.MapPost("/", CreateAsync).WithSummary("Create a key; its secret is returned once.");
        group.MapGet("/", ListAsync).WithSummary("List keys of the caller's tenant (operator: ?tenant=).");
        group.MapDelete("/{keyId}", RevokeAsync).WithSummary("Revoke a key.");
        return routes;
    }

    private static async Task<Created<CreatedKeyOutput>> CreateAsync(CreateKeyRequest? request, HttpContext context, IMyelinStorage storage)
    {
        Principal caller = context.RequireMyelinPrincipal();
        if (request is null)
        {
            throw new MyelinValidationException("invalid_body", "Send a JSON object with 'name' and 'role'.");
        }

        TenantId tenant = ResolveTenant(caller, request.Tenant);
        Role role = RoleNames.Parse(request.Role);
        if (await storage.Tenants.GetAsync(tenant, context.RequestAborted).ConfigureAwait(false) is null)
        {
            throw new MyelinNotFoundException("tenant_not_found", $"Tenant '{tenant}' does not exist.");
        }

        CreatedApiKey created = await storage.ApiKeys.CreateAsync(tenant, request.Name ?? string.Empty, role, context.RequestAborted)
            .ConfigureAwait(false);
        await Audit.RecordAsync(storage, tenant, caller, "key.create", created.Info.KeyId, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Created($"/api/keys/{created.Info.KeyId}", new CreatedKeyOutput(KeyOutput.From(created.Info), created.Secret));
    }

    private static async Task<Ok<KeyOutput[]>> ListAsync(string? tenant, HttpContext context, IMyelinStorage storage)
    {
        Principal caller = context.RequireMyelinPrincipal();
        IReadOnlyList<ApiKeyInfo> keys = await storage.ApiKeys.ListAsync(ResolveTenant(caller, tenant), context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(keys.Select(KeyOutput.From).ToArray());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(string keyId, string? tenant, HttpContext context, IMyelinStorage storage)
    {
        Principal caller = context.RequireMyelinPrincipal();
        TenantId target = ResolveTenant(caller, tenant);
        if (!await storage.ApiKeys.RevokeAsync(target, keyId, context.RequestAborted).ConfigureAwait(false))
        {
            return (ProblemHttpResult)Problems.Result(StatusCodes.Status404NotFound, "key_not_found", $"No active key '{keyId}' in tenant '{target}'.");
        }

        await Audit.RecordAsync(storage, target, caller, "key.revoke", keyId, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static TenantId ResolveTenant(Principal caller, string? requested)
    {
        if (string.IsNullOrEmpty(requested) || requested == caller.Tenant.Value)
        {
            return caller.Tenant;
        }

        if (!caller.IsOperator)
        {
            throw new MyelinForbiddenException("forbidden", $"Only an admin of the '{TenantId.Default}' tenant may manage keys of another tenant.");
        }

        return new TenantId(requested);
    }
}
