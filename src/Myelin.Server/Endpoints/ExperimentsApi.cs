using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Myelin.Core;
using Myelin.Evals.Experiments;
using Myelin.Evals.Judges;
using Myelin.Server.Auth;
using Myelin.Server.Experiments;

namespace Myelin.Server.Endpoints;

/// <summary>
/// Experiment runs: started with <c>POST /api/experiments/runs</c> (followed at <c>GET /api/experiments/runs/{job}</c>),
/// stored ones at <c>GET /api/experiments</c>, <c>GET /api/experiments/{id}</c>,
/// <c>GET /api/experiments/compare?baseline=&amp;candidate=</c> and <c>POST /api/experiments/{id}/gate</c>.
/// </summary>
/// <remarks>Runs are produced by <see cref="ExperimentRunner"/> and stored with <see cref="IExperimentStore"/>; everything is tenant-scoped.</remarks>
public static partial class ExperimentsApi
{
    /// <summary>Registers the experiment store and the judge cache (<c>{data}/evals.db</c>) and the background runner.</summary>
    public static IServiceCollection AddExperiments(this IServiceCollection services, string dataDirectory)
    {
        services.AddSingleton<IExperimentStore>(_ => SqliteExperimentStore.Open(dataDirectory));
        services.AddSingleton<IJudgeCache>(sp => SqliteJudgeCache.Open(dataDirectory, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ExperimentJobs>();
        return services;
    }

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapExperimentsApi(this IEndpointRouteBuilder routes)
    {
        MapRuns(routes);
        RouteGroupBuilder group = routes.MapGroup("/api/experiments").WithTags("Experiments").RequireAuthorization(ApiKeyDefaults.ReaderPolicy);
        group.MapGet("/", ListAsync).WithSummary("List runs newest first; ?dataset= filters.");
        group.MapGet("/compare", CompareAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Compare ?candidate= with ?baseline= item by item: deltas with paired-bootstrap intervals (?seed=, ?resamples=).");
        group.MapGet("/{runId}", GetAsync).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("One run with metric summaries and items.");
        group.MapPost("/{runId}/gate", GateAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Check a run against thresholds {thresholds, baseline, seed}: pass/fail with a reason per bound.");
        return routes;
    }

    private static async Task<Ok<ExperimentRunOutput[]>> ListAsync(string? dataset, HttpContext context, IExperimentStore store)
    {
        Principal principal = context.RequireMyelinPrincipal();
        IReadOnlyList<ExperimentRun> runs = await store.ListAsync(principal.Tenant, dataset, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(runs.Select(r => ToOutput(r, withItems: false)).ToArray());
    }

    private static async Task<Ok<ExperimentRunOutput>> GetAsync(string runId, HttpContext context, IExperimentStore store)
    {
        Principal principal = context.RequireMyelinPrincipal();
        ExperimentRun run = await store.GetAsync(principal.Tenant, runId, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(ToOutput(run, withItems: true));
    }

    private static async Task<Ok<ExperimentComparison>> CompareAsync(
        string? baseline, string? candidate, string? seed, string? resamples, HttpContext context, IExperimentStore store)
    {
        Principal principal = context.RequireMyelinPrincipal();
        if (string.IsNullOrWhiteSpace(baseline) || string.IsNullOrWhiteSpace(candidate))
        {
            throw new MyelinValidationException("missing_runs", "Name both runs: ?baseline=<run id>&candidate=<run id>.");
        }

        var bootstrap = new BootstrapOptions
        {
            Seed = Int(seed, "seed", 12345, int.MinValue, int.MaxValue),
            Resamples = Int(resamples, "resamples", 2000, 100, 100_000),
        };
        ExperimentRun a = await store.GetAsync(principal.Tenant, baseline, context.RequestAborted).ConfigureAwait(false);
        ExperimentRun b = await store.GetAsync(principal.Tenant, candidate, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(ExperimentComparison.Compare(a, b, bootstrap));
    }

    private static async Task<Ok<GateResult>> GateAsync(string runId, GateRequest request, HttpContext context, IExperimentStore store)
    {
        Principal principal = context.RequireMyelinPrincipal();
        if (request.Thresholds is not { Count: > 0 } inputs)
        {
            throw new MyelinValidationException("invalid_gate", "A gate needs 'thresholds': [{metric, minMean, minPassRate, maxFailures, maxRegression, failOnSignificantRegression}].");
        }

        var thresholds = new List<GateThreshold>(inputs.Count);
        for (int i = 0; i < inputs.Count; i++)
        {
            GateThresholdInput input = inputs[i];
            if (string.IsNullOrWhiteSpace(input?.Metric))
            {
                throw new MyelinValidationException("invalid_gate", string.Create(CultureInfo.InvariantCulture, $"thresholds[{i}]: 'metric' is required."));
            }

            thresholds.Add(new GateThreshold
            {
                Metric = input.Metric,
                MinMean = input.MinMean,
                MinPassRate = input.MinPassRate,
                MaxFailures = input.MaxFailures,
                MaxRegression = input.MaxRegression,
                FailOnSignificantRegression = input.FailOnSignificantRegression ?? false,
            });
        }

        ExperimentRun run = await store.GetAsync(principal.Tenant, runId, context.RequestAborted).ConfigureAwait(false);
        ExperimentComparison? comparison = null;
        if (!string.IsNullOrWhiteSpace(request.Baseline))
        {
            ExperimentRun baseline = await store.GetAsync(principal.Tenant, request.Baseline, context.RequestAborted).ConfigureAwait(false);
            comparison = ExperimentComparison.Compare(baseline, run, new BootstrapOptions { Seed = request.Seed ?? 12345 });
        }

        try
        {
            return TypedResults.Ok(ExperimentGate.Evaluate(run, thresholds, comparison));
        }
        catch (ArgumentException e)
        {
            throw new MyelinValidationException("invalid_gate", e.Message);
        }
    }

    private static ExperimentRunOutput ToOutput(ExperimentRun run, bool withItems) => new(
        run.Id, run.Name, run.Dataset, run.DatasetVersion, run.StartedAt, run.CompletedAt, withItems ? run.Summaries() : null, withItems ? run.Items : null);

    private static int Int(string? text, string name, int fallback, int min, int max)
    {
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max
            ? value
            : throw new MyelinValidationException("invalid_" + name, string.Create(CultureInfo.InvariantCulture, $"'{name}' must be a whole number from {min} to {max}, got '{text}'."));
    }
}
