using Myelin.Evals.Evaluators;
using Myelin.Evals.Judges;

namespace Myelin.Evals.Experiments;

/// <summary>
/// Evaluators by name, for runs started from a request or a command line: <c>exact_match</c>, <c>contains</c>,
/// <c>token_f1</c>, <c>rouge_l</c>, <c>bleu</c>, <c>numeric</c>, <c>answer_relevance</c> (lexical), <c>groundedness</c>
/// (judged per claim when a judge is given) and the judge rubrics <c>correctness</c> and <c>relevance</c>.
/// </summary>
public static class EvaluatorCatalog
{
    /// <summary>The names <see cref="Create"/> accepts, sorted.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        AnswerRelevanceEvaluator.Metric, BleuEvaluator.Metric, ContainsEvaluator.Metric, RubricTemplates.Correctness.Id, ExactMatchEvaluator.Metric,
        GroundednessEvaluator.Metric, NumericToleranceEvaluator.Metric, RubricTemplates.Relevance.Id, RougeLEvaluator.Metric, TokenF1Evaluator.Metric,
    ];

    /// <summary>The names that need a judge.</summary>
    public static IReadOnlyList<string> JudgeNames { get; } = [RubricTemplates.Correctness.Id, RubricTemplates.Relevance.Id];

    /// <summary>Creates the named evaluators, in order.</summary>
    /// <param name="names">Evaluator names (each once).</param>
    /// <param name="judge">The judge used by <c>correctness</c>, <c>relevance</c> and <c>groundedness</c>; null for none.</param>
    /// <exception cref="ArgumentException">The list is empty, a name is unknown or repeated, or a judge rubric is named without a judge.</exception>
    public static IReadOnlyList<IEvaluator> Create(IReadOnlyList<string> names, LlmJudge? judge = null)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count == 0)
        {
            throw new ArgumentException($"Name at least one evaluator: {string.Join(", ", Names)}.", nameof(names));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var evaluators = new List<IEvaluator>(names.Count);
        foreach (string name in names)
        {
            if (!seen.Add(name ?? string.Empty))
            {
                throw new ArgumentException($"The evaluator '{name}' is named twice.", nameof(names));
            }

            evaluators.Add(CreateOne(name ?? string.Empty, judge));
        }

        return evaluators;
    }

    private static IEvaluator CreateOne(string name, LlmJudge? judge) => name switch
    {
        ExactMatchEvaluator.Metric => new ExactMatchEvaluator(ignoreCase: true),
        ContainsEvaluator.Metric => new ContainsEvaluator(),
        TokenF1Evaluator.Metric => new TokenF1Evaluator(),
        RougeLEvaluator.Metric => new RougeLEvaluator(),
        BleuEvaluator.Metric => new BleuEvaluator(),
        NumericToleranceEvaluator.Metric => new NumericToleranceEvaluator(relativeTolerance: 1e-6),
        AnswerRelevanceEvaluator.Metric => new AnswerRelevanceEvaluator(),
        GroundednessEvaluator.Metric => new GroundednessEvaluator(judge: judge),
        "correctness" => new LlmJudgeEvaluator(judge ?? throw NeedsJudge(name), RubricTemplates.Correctness),
        "relevance" => new LlmJudgeEvaluator(judge ?? throw NeedsJudge(name), RubricTemplates.Relevance),
        _ => throw new ArgumentException($"Unknown evaluator '{name}'; known: {string.Join(", ", Names)}.", nameof(name)),
    };

    private static ArgumentException NeedsJudge(string name) =>
        new($"The evaluator '{name}' is an LLM judge rubric and needs a judge model.", nameof(name));
}
