using System.Text.Json;
using System.Text.Json.Serialization;
using Myelin.Core;

namespace Myelin.Evals.Detectors;

/// <summary>
/// A trained logistic-regression detector: per-feature standardisation (mean, scale), weights and bias. Saved and loaded
/// as JSON; a file whose feature list differs from <see cref="TurnFeatures.Names"/> is refused rather than misread.
/// </summary>
/// <param name="Kind">The finding kind it detects.</param>
/// <param name="Features">Feature names, in order.</param>
/// <param name="Means">Training mean of each feature.</param>
/// <param name="Scales">Training standard deviation of each feature (1 where it was 0).</param>
/// <param name="Weights">One weight per standardised feature.</param>
/// <param name="Bias">The intercept.</param>
public sealed record LearnedDetectorWeights(
    string Kind, IReadOnlyList<string> Features, float[] Means, float[] Scales, float[] Weights, float Bias)
{
    /// <summary>The failure probability of a raw feature vector.</summary>
    public double Predict(ReadOnlySpan<float> features)
    {
        double z = Bias;
        for (int i = 0; i < Weights.Length; i++)
        {
            z += Weights[i] * ((features[i] - Means[i]) / Scales[i]);
        }

        return 1 / (1 + Math.Exp(-z));
    }

    /// <summary>Writes the weights as JSON.</summary>
    public async Task SaveAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        await JsonSerializer.SerializeAsync(stream, this, LearnedDetectorJsonContext.Default.LearnedDetectorWeights, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads weights written by <see cref="SaveAsync"/>.</summary>
    /// <exception cref="MyelinValidationException">The JSON is malformed or does not match this build's features.</exception>
    public static async Task<LearnedDetectorWeights> LoadAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        LearnedDetectorWeights? weights;
        try
        {
            weights = await JsonSerializer.DeserializeAsync(stream, LearnedDetectorJsonContext.Default.LearnedDetectorWeights, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw new MyelinValidationException("invalid_detector_weights", $"The detector weights are not valid JSON: {e.Message}");
        }

        int n = TurnFeatures.Names.Count;
        if (weights is null || string.IsNullOrWhiteSpace(weights.Kind) || weights.Features is null || !weights.Features.SequenceEqual(TurnFeatures.Names)
            || weights.Means?.Length != n || weights.Scales?.Length != n || weights.Weights?.Length != n
            || weights.Scales.Any(s => !(s > 0)) || !float.IsFinite(weights.Bias) || weights.Weights.Concat(weights.Means).Any(v => !float.IsFinite(v)))
        {
            throw new MyelinValidationException(
                "invalid_detector_weights", $"The detector weights do not match this version's {n} features ({string.Join(", ", TurnFeatures.Names)}) or hold non-finite values.");
        }

        return weights;
    }
}

/// <summary>Source-generated JSON for <see cref="LearnedDetectorWeights"/>.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(LearnedDetectorWeights))]
internal sealed partial class LearnedDetectorJsonContext : JsonSerializerContext;
