using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Myelin.Core.Log;

/// <summary>The validation every log implementation applies before writing: a batch is stored whole or not at all.</summary>
public static class ExperienceRecordRules
{
    /// <summary>Largest payload accepted, in UTF-8 bytes.</summary>
    public const int MaxPayloadBytes = 1 << 20;

    /// <summary>Largest number of records in one append.</summary>
    public const int MaxBatchSize = 10_000;

    /// <summary>Longest trace, session, episode id or idempotency key.</summary>
    public const int MaxIdLength = 128;

    /// <summary>Throws <see cref="MyelinValidationException"/> naming the first bad record and field; returns normally when all are valid.</summary>
    public static void Validate(IReadOnlyList<NewExperienceRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            throw new MyelinValidationException("empty_batch", "The batch is empty: send at least one record.");
        }

        if (records.Count > MaxBatchSize)
        {
            throw new MyelinValidationException("batch_too_large", $"A batch holds at most {MaxBatchSize} records; got {records.Count}.");
        }

        for (int i = 0; i < records.Count; i++)
        {
            Validate(records[i], i);
        }
    }

    private static void Validate(NewExperienceRecord? record, int index)
    {
        if (record is null)
        {
            throw new MyelinValidationException("invalid_record", $"Record [{index}] is null.");
        }

        if (!ExperienceKinds.IsValid(record.Kind))
        {
            throw new MyelinValidationException(
                "invalid_kind",
                $"Record [{index}] has unknown kind '{record.Kind}'. Use one of {string.Join(", ", ExperienceKinds.BuiltIn.Order(StringComparer.Ordinal))} or a custom kind starting with 'x.'.");
        }

        CheckId(record.TraceId, "traceId", index);
        CheckId(record.SessionId, "sessionId", index);
        CheckId(record.EpisodeId, "episodeId", index);
        CheckId(record.IdempotencyKey, "idempotencyKey", index);

        if (record.PayloadJson is null)
        {
            throw new MyelinValidationException("invalid_payload", $"Record [{index}] has no payload.");
        }

        int byteCount = Encoding.UTF8.GetByteCount(record.PayloadJson);
        if (byteCount > MaxPayloadBytes)
        {
            throw new MyelinValidationException("payload_too_large", $"Record [{index}] payload exceeds {MaxPayloadBytes} bytes.");
        }

        if (!IsSingleJsonValue(record.PayloadJson, byteCount, out string? error))
        {
            throw new MyelinValidationException("invalid_payload", $"Record [{index}] payload is not valid JSON: {error}");
        }
    }

    /// <summary>Checks the text is exactly one JSON value with a forward-only reader: no document is built, nothing retained.</summary>
    private static bool IsSingleJsonValue(string json, int byteCount, out string? error)
    {
        byte[]? rented = null;
        Span<byte> utf8 = byteCount <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(byteCount));
        try
        {
            int written = Encoding.UTF8.GetBytes(json, utf8);
            var reader = new Utf8JsonReader(utf8[..written], new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read())
            {
                error = "the payload is empty";
                return false;
            }

            reader.Skip();
            if (reader.Read())
            {
                error = "more than one JSON value";
                return false;
            }

            error = null;
            return true;
        }
        catch (JsonException ex)
        {
            error = ex.Message;
            return false;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static void CheckId(string? value, string field, int index)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length == 0 || value.Length > MaxIdLength)
        {
            throw new MyelinValidationException("invalid_id", $"Record [{index}] {field} must be 1-{MaxIdLength} characters.");
        }

        foreach (char c in value)
        {
            if (char.IsControl(c))
            {
                throw new MyelinValidationException("invalid_id", $"Record [{index}] {field} contains a control character.");
            }
        }
    }
}
