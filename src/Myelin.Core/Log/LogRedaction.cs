using System.Text.Json;

namespace Myelin.Core.Log;

/// <summary>What a redacted log record holds, and the rules a redaction request must follow.</summary>
public static class LogRedaction
{
    /// <summary>The most offsets one redaction may name.</summary>
    public const int MaxOffsets = 100_000;

    /// <summary>The longest reason, in characters.</summary>
    public const int MaxReasonLength = 200;

    /// <summary>The payload that replaces a redacted record's content: <c>{"redacted":true,"reason":"..."}</c>.</summary>
    public static string Payload(string reason) =>
        "{\"redacted\":true,\"reason\":" + JsonSerializer.Serialize(reason, LogRedactionJson.Default.String) + "}";

    /// <summary>True when <paramref name="payloadJson"/> is a redaction marker written by <see cref="Payload"/>.</summary>
    public static bool IsRedacted(string payloadJson)
    {
        ArgumentNullException.ThrowIfNull(payloadJson);
        return payloadJson.StartsWith("{\"redacted\":true,", StringComparison.Ordinal);
    }

    /// <summary>Checks a request and returns its distinct offsets in ascending order.</summary>
    /// <exception cref="MyelinValidationException">The request breaks a rule.</exception>
    public static long[] Validate(IReadOnlyList<long> offsets, string reason)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > MaxReasonLength)
        {
            throw new MyelinValidationException(
                "invalid_redaction", $"A redaction needs a reason of 1 to {MaxReasonLength} characters.");
        }

        if (offsets.Count > MaxOffsets)
        {
            throw new MyelinValidationException(
                "invalid_redaction", $"A redaction may name at most {MaxOffsets} offsets; got {offsets.Count}.");
        }

        var distinct = new SortedSet<long>();
        foreach (long offset in offsets)
        {
            if (offset < 1)
            {
                throw new MyelinValidationException("invalid_offset", $"Log offsets start at 1; got {offset}.");
            }

            distinct.Add(offset);
        }

        return [.. distinct];
    }
}
