namespace Myelin.Inference.Models;

/// <summary>Maps <see cref="ModelArchitecture"/> to and from the <c>general.architecture</c> strings.</summary>
public static class ArchitectureNames
{
    /// <summary>The string for <see cref="ModelArchitecture.Llama"/>.</summary>
    public const string Llama = "llama";

    /// <summary>The string for <see cref="ModelArchitecture.Qwen2"/>.</summary>
    public const string Qwen2 = "qwen2";

    /// <summary>The GGUF name of an architecture.</summary>
    /// <param name="architecture">The architecture.</param>
    /// <returns><c>llama</c> or <c>qwen2</c>.</returns>
    public static string ToName(ModelArchitecture architecture) => architecture switch
    {
        ModelArchitecture.Llama => Llama,
        ModelArchitecture.Qwen2 => Qwen2,
        _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, "Unknown architecture."),
    };

    /// <summary>Parses a <c>general.architecture</c> value.</summary>
    /// <param name="name">The string from the file.</param>
    /// <param name="architecture">The architecture, when supported.</param>
    /// <returns>Whether the engine supports <paramref name="name"/>.</returns>
    public static bool TryParse(string name, out ModelArchitecture architecture)
    {
        switch (name)
        {
            case Llama:
                architecture = ModelArchitecture.Llama;
                return true;
            case Qwen2:
                architecture = ModelArchitecture.Qwen2;
                return true;
            default:
                architecture = default;
                return false;
        }
    }
}
