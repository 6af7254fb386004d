using Microsoft.Extensions.AI;
using Myelin.Evals.Datasets;
using Myelin.Evals.Evaluators;
using Myelin.Evals.Experiments;

namespace Myelin.Server.Experiments;

/// <summary>Everything a run needs, resolved and validated before the job is accepted.</summary>
/// <param name="Version">The dataset version.</param>
/// <param name="Items">Its items.</param>
/// <param name="Target">The system under test.</param>
/// <param name="Prompt">How items become messages.</param>
/// <param name="Evaluators">How answers are scored.</param>
/// <param name="Options">Name, concurrency, chat options and tenant (progress is set by the job).</param>
/// <param name="Owned">Clients created for this run only, disposed when it ends.</param>
internal sealed record ExperimentPlan(
    DatasetVersion Version,
    IReadOnlyList<DatasetItem> Items,
    IChatClient Target,
    PromptTemplate Prompt,
    IReadOnlyList<IEvaluator> Evaluators,
    ExperimentOptions Options,
    IReadOnlyList<IDisposable> Owned);
