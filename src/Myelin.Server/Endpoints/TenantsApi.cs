using Microsoft.AspNetCore.Http.HttpResults;
using Myelin.Core;
using Myelin.Core.Storage;
using Myelin.Core.Tenancy;
using Myelin.Server.Auth;

namespace Myelin.Server.Endpoints;

/// <summary>Tenant management, for the operator (an admin of the default tenant).</summary>
public static class TenantsApi
{
    /// <summary>Maps <c>/api/tenants</c>.</summary>
    public static IEndpointRouteBuilder MapTenantsApi(this IEndpointRouteBuilder routes)
    {
        RouteGroupBuilder group = routes.MapGroup("/api/tenants").WithTags("Tenants").RequireAuthorization(ApiKeyDefaults.OperatorPolicy);
        group.MapPost("/", CreateAsync).WithSummary("Create a tenant.");
        group.MapGet("/", ListAsync).WithSummary("List tenants.");
        return routes;
    }

    private static async Task<Created<TenantOutput>> CreateAsync(CreateTenantRequest? request, HttpContext context, IMyelinStorage storage)
    {
        Principal caller = context.RequireMyelinPrincipal();
        if (request?.Id is null)
        {
            throw new MyelinValidationException("invalid_body", "Send a JSON object with 'id' and 'displayName'.");
        }

        var id = new TenantId(request.Id);
        Tenant tenant = await storage.Tenants.CreateAsync(id, request.DisplayName ?? request.Id, context.RequestAborted).ConfigureAwait(false);
        await Audit.RecordAsync(storage, id, caller, "tenant.create", id.Value, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Created($"/api/tenants/{id}", TenantOutput.From(tenant));
    }

    private static async Task<Ok<TenantOutput[]>> ListAsync(HttpContext context, IMyelinStorage storage)
    {
        IReadOnlyList<Tenant> tenants = await storage.Tenants.ListAsync(context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(tenants.Select(TenantOutput.From).ToArray());
    }
}
