using Microsoft.AspNetCore.Http.HttpResults;
using Myelin.Core;
using Myelin.Evals.Datasets;
using Myelin.Server.Auth;

namespace Myelin.Server.Endpoints;

/// <summary>
/// Versioned golden datasets: <c>/api/datasets</c> (create, list), <c>/{name}</c> (versions), <c>/{name}/versions</c>
/// (add from items, traces or an uploaded JSONL/CSV body), <c>/{name}/versions/{version}</c> (items),
/// <c>/{name}/versions/{version}/export</c> and <c>/{name}/diff</c>.
/// </summary>
/// <remarks>Everything is scoped to the caller's tenant; reading needs a reader key, writing a writer key.</remarks>
public static partial class DatasetsApi
{
    /// <summary>Registers the dataset store (<c>{data}/evals.db</c>).</summary>
    public static IServiceCollection AddDatasets(this IServiceCollection services, string dataDirectory)
    {
        services.AddSingleton<IDatasetStore>(sp => SqliteDatasetStore.Open(dataDirectory, sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapDatasetsApi(this IEndpointRouteBuilder routes)
    {
        RouteGroupBuilder read = routes.MapGroup("/api/datasets").WithTags("Datasets").RequireAuthorization(ApiKeyDefaults.ReaderPolicy);
        RouteGroupBuilder write = routes.MapGroup("/api/datasets").WithTags("Datasets").RequireAuthorization(ApiKeyDefaults.WriterPolicy);
        write.MapPost("/", CreateAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Create a dataset: {name, description}.");
        read.MapGet("/", ListAsync).WithSummary("List the tenant's datasets with their latest versions.");
        read.MapGet("/{name}", GetAsync).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("A dataset and all its versions.");
        write.MapPost("/{name}/versions", AddVersionAsync)
            .Accepts<byte[]>(JsonContentType, JsonlContentType, CsvContentType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("Add a version: JSON {items, traceIds, base}, or a JSONL/CSV file (?base= appends to a version). 201 new, 200 identical content.");
        read.MapGet("/{name}/versions/{version}", GetItemsAsync)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A version's items; version is its id, a number (v3) or 'latest'.");
        read.MapGet("/{name}/versions/{version}/export", ExportAsync)
            .Produces<string>(StatusCodes.Status200OK, JsonlContentType, CsvContentType)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Download a version: ?format=jsonl (default) or csv.");
        read.MapGet("/{name}/diff", DiffAsync)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Items added, removed and changed between ?from= and ?to= versions.");
        return routes;
    }

    private static async Task<Created<DatasetOutput>> CreateAsync(CreateDatasetRequest request, HttpContext context, IDatasetStore store)
    {
        Principal principal = context.RequireMyelinPrincipal();
        DatasetInfo info = await store.CreateAsync(principal.Tenant, request.Name!, request.Description, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Created($"/api/datasets/{info.Name}", ToOutput(info));
    }

    private static async Task<Ok<DatasetOutput[]>> ListAsync(HttpContext context, IDatasetStore store)
    {
        Principal principal = context.RequireMyelinPrincipal();
        IReadOnlyList<DatasetInfo> all = await store.ListAsync(principal.Tenant, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(all.Select(ToOutput).ToArray());
    }

    private static async Task<Ok<DatasetDetailOutput>> GetAsync(string name, HttpContext context, IDatasetStore store)
    {
        Principal principal = context.RequireMyelinPrincipal();
        DatasetInfo info = await store.GetAsync(principal.Tenant, name, context.RequestAborted).ConfigureAwait(false);
        IReadOnlyList<DatasetVersion> versions = await store.ListVersionsAsync(principal.Tenant, name, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(new DatasetDetailOutput(ToOutput(info), [.. versions.Select(ToOutput)]));
    }

    private static async Task<Ok<DatasetItemsOutput>> GetItemsAsync(string name, string version, HttpContext context, IDatasetStore store)
    {
        Principal principal = context.RequireMyelinPrincipal();
        DatasetVersion resolved = await store.GetVersionAsync(principal.Tenant, name, version, context.RequestAborted).ConfigureAwait(false);
        IReadOnlyList<DatasetItem> items = await store.GetItemsAsync(principal.Tenant, name, resolved.Id, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(new DatasetItemsOutput(ToOutput(resolved), [.. items.Select(ToOutput)]));
    }

    private static async Task<IResult> ExportAsync(string name, string version, string? format, HttpContext context, IDatasetStore store)
    {
        Principal principal = context.RequireMyelinPrincipal();
        bool csv = (format ?? "jsonl").ToLowerInvariant() switch
        {
            "jsonl" => false,
            "csv" => true,
            _ => throw new MyelinValidationException("invalid_format", $"'format' must be 'jsonl' or 'csv', got '{format}'."),
        };
        DatasetVersion resolved = await store.GetVersionAsync(principal.Tenant, name, version, context.RequestAborted).ConfigureAwait(false);
        IReadOnlyList<DatasetItem> items = await store.GetItemsAsync(principal.Tenant, name, resolved.Id, context.RequestAborted).ConfigureAwait(false);
        string body = csv ? DatasetCsv.Write(items) : DatasetJsonl.Write(items);
        string fileName = $"{name}-v{resolved.Number}.{(csv ? "csv" : "jsonl")}";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        return Results.Text(body, csv ? CsvContentType + "; charset=utf-8" : JsonlContentType + "; charset=utf-8");
    }

    private static async Task<Ok<DatasetDiffOutput>> DiffAsync(string name, string? from, string? to, HttpContext context, IDatasetStore store)
    {
        Principal principal = context.RequireMyelinPrincipal();
        if (string.IsNullOrWhiteSpace(from) || string.IsNullOrWhiteSpace(to))
        {
            throw new MyelinValidationException("missing_versions", "Name both versions: ?from=<version>&to=<version> (ids, numbers such as v2, or 'latest').");
        }

        DatasetVersion a = await store.GetVersionAsync(principal.Tenant, name, from, context.RequestAborted).ConfigureAwait(false);
        DatasetVersion b = await store.GetVersionAsync(principal.Tenant, name, to, context.RequestAborted).ConfigureAwait(false);
        IReadOnlyList<DatasetItem> before = await store.GetItemsAsync(principal.Tenant, name, a.Id, context.RequestAborted).ConfigureAwait(false);
        IReadOnlyList<DatasetItem> after = await store.GetItemsAsync(principal.Tenant, name, b.Id, context.RequestAborted).ConfigureAwait(false);
        DatasetDiff diff = DatasetDiff.Compute(a.Id, before, b.Id, after);
        return TypedResults.Ok(new DatasetDiffOutput(
            diff.From,
            diff.To,
            [.. diff.Added.Select(ToOutput)],
            [.. diff.Removed.Select(ToOutput)],
            [.. diff.Changed.Select(c => new DatasetItemChangeOutput(c.Id, c.Fields, ToOutput(c.Before), ToOutput(c.After)))],
            diff.Unchanged));
    }

    private static DatasetOutput ToOutput(DatasetInfo info) =>
        new(info.Name, info.Description, info.CreatedAt, info.VersionCount, info.LatestVersion is { } v ? ToOutput(v) : null);

    private static DatasetVersionOutput ToOutput(DatasetVersion version) => new(version.Id, version.Number, version.ItemCount, version.CreatedAt);

    private static DatasetItemOutput ToOutput(DatasetItem item) => new(item.Id!, item.Input, item.ExpectedOutput, item.Context, item.Metadata);
}
