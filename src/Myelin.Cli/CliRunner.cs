using System.CommandLine;
using Myelin.Core;

namespace Myelin.Cli;

/// <summary>Runs a parsed command line and turns known failures into one-line messages with a non-zero exit code.</summary>
internal static class CliRunner
{
    public const int UsageError = 2;
    public const int Failure = 1;

    public static async Task<int> InvokeAsync(RootCommand root, string[] args)
    {
        try
        {
            // Known failures become one-line messages here; anything else is a bug and keeps its stack trace.
            return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
        }
        catch (Exception ex) when (Describe(ex) is { } message)
        {
            await Console.Error.WriteLineAsync("myelin: " + message).ConfigureAwait(false);
            return ex is MyelinValidationException ? UsageError : Failure;
        }
    }

    /// <summary>A one-line description of an expected failure, or null for a bug (which then surfaces with its stack).</summary>
    public static string? Describe(Exception exception) => exception switch
    {
        MyelinException e => e.Message,
        Myelin.Models.Formats.ModelFormatException e => e.Message,
        IOException e => e.Message,
        UnauthorizedAccessException e => e.Message,
        InvalidOperationException e when e.InnerException is IOException io => io.Message,
        _ => null,
    };
}
