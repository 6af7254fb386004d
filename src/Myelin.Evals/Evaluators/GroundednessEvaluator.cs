using System.Globalization;
using Myelin.Core;
using Myelin.Evals.Internal;
using Myelin.Evals.Judges;

namespace Myelin.Evals.Evaluators;

/// <summary>
/// <c>groundedness</c>: the share of the answer's claims (sentences and clauses with at least two content words) that the
/// context supports. Without a judge a claim is supported when at least <see cref="SupportThreshold"/> of its content
/// words occur in the context; with a judge, when the judge scores it supported (<see cref="RubricTemplates.ClaimSupport"/>).
/// The value is the number of unsupported claims.
/// </summary>
public sealed class GroundednessEvaluator : IEvaluator
{
    /// <summary>The metric name.</summary>
    public const string Metric = "groundedness";

    private readonly LlmJudge? _judge;
    private readonly double _passThreshold;

    /// <summary>Creates the evaluator.</summary>
    /// <param name="supportThreshold">Lexical share of a claim's content words the context must hold (default 0.6).</param>
    /// <param name="judge">Optional judge deciding support per claim.</param>
    /// <param name="passThreshold">Share of supported claims needed to pass (default 0.8).</param>
    public GroundednessEvaluator(double supportThreshold = 0.6, LlmJudge? judge = null, double passThreshold = 0.8)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(supportThreshold);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(supportThreshold, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(passThreshold, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(passThreshold, 1);
        SupportThreshold = supportThreshold;
        _judge = judge;
        _passThreshold = passThreshold;
    }

    /// <summary>The lexical support threshold.</summary>
    public double SupportThreshold { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> MetricNames { get; } = [Metric];

    /// <summary>The lexical support of one claim: the share of its content words found in the context words.</summary>
    public static double LexicalSupport(string claim, IReadOnlySet<string> contextWords)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(contextWords);
        List<string> words = TextTokens.Content(claim);
        return words.Count == 0 ? 1 : words.Count(contextWords.Contains) / (double)words.Count;
    }

    /// <inheritdoc />
    public async Task<EvaluationResult> EvaluateAsync(EvaluationInput input, EvaluationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Context.Count == 0)
        {
            return new EvaluationResult(EvaluationMetric.Failure(Metric, $"'{Metric}' needs context passages and the item has none."));
        }

        double threshold = options?.PassThreshold ?? _passThreshold;
        List<string> claims = ClaimSplitter.Split(input.Output);
        if (claims.Count == 0)
        {
            return new EvaluationResult(EvaluationMetric.Scored(Metric, 1, threshold, "The answer makes no checkable claims.", 0));
        }

        string context = string.Join("\n\n", input.Context);
        HashSet<string> contextWords = [.. TextTokens.Content(context)];
        var unsupported = new List<string>();
        foreach (string claim in claims)
        {
            bool supported;
            if (_judge is null)
            {
                supported = LexicalSupport(claim, contextWords) >= SupportThreshold;
            }
            else
            {
                var variables = new Dictionary<string, string?>(StringComparer.Ordinal) { ["claim"] = claim, ["context"] = context };
                JudgeOutcome outcome = await _judge.JudgeAsync(
                    RubricTemplates.ClaimSupport, variables, options?.Tenant ?? TenantId.Default, cancellationToken).ConfigureAwait(false);
                if (outcome.Verdict is not { } verdict)
                {
                    return new EvaluationResult(EvaluationMetric.Failure(Metric, outcome.Error!));
                }

                supported = verdict.Score >= RubricTemplates.ClaimSupport.PassScore;
            }

            if (!supported)
            {
                unsupported.Add(claim);
            }
        }

        double score = (claims.Count - unsupported.Count) / (double)claims.Count;
        string reason = unsupported.Count == 0
            ? string.Create(CultureInfo.InvariantCulture, $"All {claims.Count} claims are supported.")
            : string.Create(CultureInfo.InvariantCulture, $"{unsupported.Count} of {claims.Count} claims unsupported: ")
              + string.Join(" | ", unsupported.Take(3).Select(c => $"\"{c}\""));
        return new EvaluationResult(EvaluationMetric.Scored(Metric, score, threshold, reason, unsupported.Count));
    }
}
