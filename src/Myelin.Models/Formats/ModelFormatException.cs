namespace Myelin.Models.Formats;

/// <summary>
/// Thrown when a model file (GGUF or safetensors) is malformed, truncated, or uses a feature this reader
/// does not support. The message names the problem and, where known, the byte offset at which it was found.
/// </summary>
/// <remarks>
/// Readers throw only this exception for bad file contents, so callers can treat any other exception type
/// as a bug or an I/O failure rather than as hostile or corrupt input.
/// </remarks>
public sealed class ModelFormatException : Exception
{
    /// <summary>Creates an exception with the default message.</summary>
    public ModelFormatException()
        : base("The model file is malformed.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What is wrong with the file.</param>
    public ModelFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and inner exception.</summary>
    /// <param name="message">What is wrong with the file.</param>
    /// <param name="innerException">The exception that revealed the problem.</param>
    public ModelFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
