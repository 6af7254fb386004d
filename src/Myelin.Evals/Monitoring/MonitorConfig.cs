using System.Globalization;
using Myelin.Core;

namespace Myelin.Evals.Monitoring;

/// <summary>
/// An online monitor of one tenant: which share of incoming traces to evaluate (a deterministic sample keyed by trace id),
/// which detectors and evaluators to run on them, which traces qualify (models, agents), and which flagged results go to
/// the annotation queue.
/// </summary>
public sealed record MonitorConfig
{
    /// <summary>The most names in any list of a monitor.</summary>
    public const int MaxListLength = 32;

    /// <summary>The monitor's name, unique within the tenant: 1-64 of a-z, 0-9, '-', '_', '.'.</summary>
    public required string Name { get; init; }

    /// <summary>Share of qualifying traces evaluated, 0 to 1.</summary>
    public double SamplingRate { get; init; } = 1;

    /// <summary>Seed of the sampler; the same seed and trace id always give the same decision.</summary>
    public long Seed { get; init; }

    /// <summary>Detector kinds to run (see <see cref="MonitorCatalog"/>).</summary>
    public IReadOnlyList<string> Detectors { get; init; } = [];

    /// <summary>Evaluator metric names to run (see <see cref="MonitorCatalog"/>).</summary>
    public IReadOnlyList<string> Evaluators { get; init; } = [];

    /// <summary>Only traces that used one of these models; empty for any.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    /// <summary>Only traces of one of these agents (<c>gen_ai.agent.name</c>); empty for any.</summary>
    public IReadOnlyList<string> Agents { get; init; } = [];

    /// <summary>Detector kinds and metric names whose flagged results are put on the annotation queue.</summary>
    public IReadOnlyList<string> Annotate { get; init; } = [];

    /// <summary>Whether the monitor runs.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Throws <see cref="MyelinValidationException"/> when the monitor is malformed or names something the catalog lacks.</summary>
    public void Validate(MonitorCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (!IsName(Name))
        {
            throw new MyelinValidationException("invalid_monitor", "'name' must be 1-64 characters of a-z, 0-9, '-', '_' or '.'.");
        }

        if (!(SamplingRate >= 0 && SamplingRate <= 1))
        {
            throw new MyelinValidationException(
                "invalid_monitor", string.Create(CultureInfo.InvariantCulture, $"'samplingRate' must be from 0 to 1, got {SamplingRate}."));
        }

        CheckList(Detectors, "detectors");
        CheckList(Evaluators, "evaluators");
        CheckList(Models, "models");
        CheckList(Agents, "agents");
        CheckList(Annotate, "annotate");
        if (Detectors.Count + Evaluators.Count == 0)
        {
            throw new MyelinValidationException("invalid_monitor", "A monitor needs at least one of 'detectors' or 'evaluators'.");
        }

        foreach (string kind in Detectors.Where(d => !catalog.HasDetector(d)))
        {
            throw new MyelinValidationException(
                "invalid_monitor", $"Unknown detector '{kind}'; known: {string.Join(", ", catalog.DetectorNames)}.");
        }

        foreach (string metric in Evaluators.Where(e => !catalog.HasEvaluator(e)))
        {
            throw new MyelinValidationException(
                "invalid_monitor", $"Unknown evaluator '{metric}'; known: {string.Join(", ", catalog.EvaluatorNames)}.");
        }

        foreach (string name in Annotate.Where(a => !Detectors.Contains(a) && !Evaluators.Contains(a)))
        {
            throw new MyelinValidationException("invalid_monitor", $"'annotate' names '{name}', which the monitor does not run.");
        }
    }

    /// <summary>True for 1-64 characters of a-z, 0-9, '-', '_', '.'.</summary>
    public static bool IsName(string? name) =>
        name is { Length: > 0 and <= 64 } && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.');

    private static void CheckList(IReadOnlyList<string>? list, string field)
    {
        if (list is null)
        {
            throw new MyelinValidationException("invalid_monitor", $"'{field}' must be a list.");
        }

        if (list.Count > MaxListLength)
        {
            throw new MyelinValidationException("invalid_monitor", $"'{field}' holds at most {MaxListLength} names.");
        }

        if (list.Any(string.IsNullOrWhiteSpace) || list.Any(n => n.Length > 256))
        {
            throw new MyelinValidationException("invalid_monitor", $"'{field}' must hold non-empty names of at most 256 characters.");
        }
    }
}
