using Myelin.Core;

namespace Myelin.Evals.Datasets;

/// <summary>The rule for dataset names: 1-100 characters of lowercase letters, digits, '.', '_' and '-', starting with a letter or digit.</summary>
public static class DatasetNames
{
    /// <summary>Throws when <paramref name="name"/> breaks the rule.</summary>
    /// <exception cref="MyelinValidationException">The name is invalid.</exception>
    public static void Validate(string? name)
    {
        if (!IsValid(name))
        {
            throw new MyelinValidationException(
                "invalid_dataset_name",
                $"'{name}' is not a dataset name: use 1-100 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit.");
        }
    }

    /// <summary>Whether <paramref name="name"/> follows the rule.</summary>
    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name)
        && name.Length <= 100
        && (char.IsAsciiLetterLower(name[0]) || char.IsAsciiDigit(name[0]))
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '_' or '-');
}
