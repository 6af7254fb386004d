using Myelin.Core;
using Myelin.Evals.Evaluators;

namespace Myelin.Evals.Judges;

/// <summary>
/// LLM-as-judge: scores an answer with an <see cref="LlmJudge"/> and a rubric. The metric is named after the rubric id; its
/// score is the rubric score mapped to [0, 1], its value the raw rubric score, its reason the judge's.
/// </summary>
public sealed class LlmJudgeEvaluator : IEvaluator
{
    private readonly LlmJudge _judge;

    /// <summary>Creates the evaluator.</summary>
    public LlmJudgeEvaluator(LlmJudge judge, RubricTemplate template)
    {
        _judge = judge ?? throw new ArgumentNullException(nameof(judge));
        Template = template ?? throw new ArgumentNullException(nameof(template));
        MetricNames = [template.Id];
    }

    /// <summary>The rubric.</summary>
    public RubricTemplate Template { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> MetricNames { get; }

    /// <inheritdoc />
    public async Task<EvaluationResult> EvaluateAsync(EvaluationInput input, EvaluationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["input"] = input.Input,
            ["output"] = input.Output,
            ["expected"] = input.ExpectedOutput,
            ["context"] = string.Join("\n\n", input.Context),
        };
        JudgeOutcome outcome = await _judge.JudgeAsync(Template, variables, options?.Tenant ?? TenantId.Default, cancellationToken).ConfigureAwait(false);
        if (outcome.Verdict is not { } verdict)
        {
            return new EvaluationResult(EvaluationMetric.Failure(Template.Id, outcome.Error!));
        }

        double score = Template.Normalize(verdict.Score);
        double threshold = options?.PassThreshold ?? Template.Normalize(Template.PassScore);
        return new EvaluationResult(EvaluationMetric.Scored(Template.Id, score, threshold, verdict.Reason, verdict.Score));
    }
}
