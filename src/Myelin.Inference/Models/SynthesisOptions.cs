using Myelin.Models.Formats;

namespace Myelin.Inference.Models;

/// <summary>What <see cref="ModelSynthesizer"/> writes: a shape, a weight type and a seed.</summary>
/// <param name="Shape">The model's hyper-parameters.</param>
/// <param name="WeightType">Type of every matrix (embedding, projections, output): F32, F16, BF16, Q8_0 or Q4_0. Norm weights and biases are always F32.</param>
/// <param name="Seed">Seeds the weights; the same seed and shape give the same values whatever <paramref name="WeightType"/> is.</param>
public sealed record SynthesisOptions(ModelShape Shape, GgmlType WeightType = GgmlType.F32, ulong Seed = 0)
{
    /// <summary>Value of <c>general.name</c>.</summary>
    public string Name { get; init; } = "myelin-synthetic";

    /// <summary>Optional tokenizer metadata written after the architecture keys; null writes none.</summary>
    public ITokenizerMetadataSource? Tokenizer { get; init; }
}
