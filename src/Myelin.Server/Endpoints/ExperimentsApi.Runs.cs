using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.AI;
using Myelin.Core;
using Myelin.Evals.Datasets;
using Myelin.Evals.Evaluators;
using Myelin.Evals.Experiments;
using Myelin.Evals.Judges;
using Myelin.Inference.Remote;
using Myelin.Server.Auth;
using Myelin.Server.Experiments;
using Myelin.Server.OpenAi;

namespace Myelin.Server.Endpoints;

/// <summary>Starting runs: <c>POST /api/experiments/runs</c> and <c>GET /api/experiments/runs/{id}</c>.</summary>
public static partial class ExperimentsApi
{
    private static void MapRuns(IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/experiments/runs").WithTags("Experiments").RequireAuthorization(ApiKeyDefaults.WriterPolicy)
            .MapPost("/", StartRunAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Start a run in the background: {dataset, version, target {model | url, model, apiKey}, evaluators, judge, prompt, ...}. 202 with the job.");
        routes.MapGroup("/api/experiments/runs").WithTags("Experiments").RequireAuthorization(ApiKeyDefaults.ReaderPolicy)
            .MapGet("/{jobId}", GetRun)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A started run: state, items completed of total; once succeeded, the stored run id and metric summaries.");
    }

    private static Ok<ExperimentJobSnapshot> GetRun(string jobId, HttpContext context, ExperimentJobs jobs) =>
        TypedResults.Ok(jobs.Get(context.RequireMyelinPrincipal().Tenant, jobId).Snapshot());

    private static async Task<Accepted<ExperimentJobSnapshot>> StartRunAsync(
        ExperimentStartRequest? request, HttpContext context, IDatasetStore datasets, ModelCatalog models, ExperimentJobs jobs)
    {
        Principal principal = context.RequireMyelinPrincipal();
        if (request is null || string.IsNullOrWhiteSpace(request.Dataset))
        {
            throw new MyelinValidationException("invalid_run", "Name the dataset: {\"dataset\": \"...\", \"target\": {\"model\": \"...\"}, \"evaluators\": [...]}.");
        }

        string[] names = [.. request.Evaluators ?? []];
        bool needsJudge = names.Any(n => EvaluatorCatalog.JudgeNames.Contains(n, StringComparer.Ordinal));
        if (needsJudge && string.IsNullOrWhiteSpace(request.Judge?.Model))
        {
            throw new MyelinValidationException("invalid_run", "The judge rubrics (correctness, relevance) need 'judge': {\"model\": \"...\"}.");
        }

        PromptTemplate prompt;
        try
        {
            prompt = new PromptTemplate(request.Prompt ?? "{{input}}", request.SystemPrompt);
        }
        catch (ArgumentException e)
        {
            throw new MyelinValidationException("invalid_prompt", $"'prompt': {e.Message}");
        }

        var chat = new ChatOptions
        {
            ModelId = request.Target?.Model,
            MaxOutputTokens = Range(request.MaxTokens, "maxTokens", 256, 1, 4096),
            Temperature = (float)Range(request.Temperature, "temperature", 0, 0, 2),
            Seed = request.Seed,
        };
        int concurrency = Range(request.Concurrency, "concurrency", 4, 1, 16);
        DatasetVersion version = await datasets.GetVersionAsync(principal.Tenant, request.Dataset, request.Version ?? "latest", context.RequestAborted)
            .ConfigureAwait(false);
        IReadOnlyList<DatasetItem> items = await datasets.GetItemsAsync(principal.Tenant, request.Dataset, version.Id, context.RequestAborted).ConfigureAwait(false);

        var owned = new List<IDisposable>();
        try
        {
            IChatClient target = Model(request.Target, "target", principal, models, owned);
            LlmJudge? judge = request.Judge is null
                ? null
                : new LlmJudge(Model(request.Judge, "judge", principal, models, owned), new LlmJudgeOptions { ModelId = request.Judge.Model, Cache = jobs.JudgeCache });
            IReadOnlyList<IEvaluator> evaluators;
            try
            {
                evaluators = EvaluatorCatalog.Create(names, judge);
            }
            catch (ArgumentException e)
            {
                throw new MyelinValidationException("invalid_evaluators", $"'evaluators': {e.Message.Split(" (Parameter", 2)[0]}");
            }

            var options = new ExperimentOptions { Name = request.Name, MaxConcurrency = concurrency, ChatOptions = chat, Tenant = principal.Tenant };
            ExperimentJob job = jobs.Start(principal.Tenant, new ExperimentPlan(version, items, target, prompt, evaluators, options, owned));
            return TypedResults.Accepted($"/api/experiments/runs/{job.Id}", job.Snapshot());
        }
        catch
        {
            foreach (IDisposable client in owned)
            {
                client.Dispose();
            }

            throw;
        }
    }

    private static IChatClient Model(ExperimentModelInput? input, string field, Principal principal, ModelCatalog models, List<IDisposable> owned)
    {
        if (string.IsNullOrWhiteSpace(input?.Model))
        {
            throw new MyelinValidationException("invalid_run", $"'{field}.model' is required.");
        }

        if (input.Url is null)
        {
            return new TenantChatClient(models.Get(input.Model), principal.Tenant);
        }

        // A remote endpoint makes this server call out to an address the caller chooses, so only admins may name one.
        if (!principal.Has(Role.Admin))
        {
            throw new MyelinForbiddenException("forbidden", $"'{field}.url': only admin keys may run against a remote endpoint.");
        }

        if (!Uri.TryCreate(input.Url, UriKind.Absolute, out Uri? endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new MyelinValidationException("invalid_run", $"'{field}.url': '{input.Url}' is not an http:// or https:// address.");
        }

        var client = new OpenAICompatibleChatClient(new OpenAICompatibleChatClientOptions { Endpoint = endpoint, Model = input.Model, ApiKey = input.ApiKey });
        owned.Add(client);
        return client;
    }

    private static int Range(int? value, string name, int fallback, int min, int max) => value switch
    {
        null => fallback,
        int v when v >= min && v <= max => v,
        int v => throw new MyelinValidationException("invalid_run", string.Create(CultureInfo.InvariantCulture, $"'{name}' must be from {min} to {max}, got {v}.")),
    };

    private static double Range(double? value, string name, double fallback, double min, double max) => value switch
    {
        null => fallback,
        double v when v >= min && v <= max => v,
        double v => throw new MyelinValidationException("invalid_run", string.Create(CultureInfo.InvariantCulture, $"'{name}' must be from {min} to {max}, got {v}.")),
    };
}
