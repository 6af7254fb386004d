using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;
using Myelin.Memory.Internal;

namespace Myelin.Memory.Extraction;

/// <summary>Extracts memories with any <see cref="IChatClient"/>: asks for JSON matching a schema, validates it, retries
/// with the validation error a bounded number of times, and quarantines an output that stays invalid.</summary>
/// <remarks>
/// Never throws for bad model output or a failing model call (except cancellation): after
/// <see cref="ChatClientExtractorOptions.MaxAttempts"/> the last output and error are returned as
/// <see cref="ExtractionOutcome.Quarantined"/>. Thread-safe when the chat client is.
/// </remarks>
public sealed class ChatClientExtractor : IMemoryExtractor
{
    private readonly IChatClient _client;
    private readonly ChatClientExtractorOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates an extractor over <paramref name="client"/>.</summary>
    public ChatClientExtractor(IChatClient client, ChatClientExtractorOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _options = options ?? new ChatClientExtractorOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_options.MaxAttempts, 10);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string Name => "chat-client";

    /// <inheritdoc />
    public async Task<ExtractionOutcome> ExtractAsync(ExtractionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        List<ChatMessage> messages =
        [
            new(ChatRole.System, ExtractionJsonSchema.Instructions),
            new(ChatRole.User, Describe(request)),
        ];
        var chatOptions = new ChatOptions
        {
            ModelId = _options.ModelId,
            Temperature = 0,
            ResponseFormat = ChatResponseFormat.ForJsonSchema(ExtractionJsonSchema.Schema, "memories", "Extracted memories"),
        };

        string output = string.Empty;
        string error = string.Empty;
        for (int attempt = 1; attempt <= _options.MaxAttempts; attempt++)
        {
            try
            {
                ChatResponse response = await _client.GetResponseAsync(messages, chatOptions, cancellationToken).ConfigureAwait(false);
                output = response.Text ?? string.Empty;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                output = string.Empty;
                error = "The model call failed: " + e.Message;
                continue;
            }

            if (ExtractionOutputParser.TryParse(output, request.Turns, _options.MaxMemories, out List<ExtractedMemory> memories, out error))
            {
                return new ExtractionOutcome(memories, attempt, null);
            }

            messages.Add(new ChatMessage(ChatRole.Assistant, output));
            messages.Add(new ChatMessage(ChatRole.User, $"That output was rejected: {error} Reply again with JSON only, matching the schema."));
        }

        var quarantined = new QuarantinedOutput(
            request.Scope.UserId, _time.GetUtcNow(), Name, _options.MaxAttempts, error, output, [.. request.Turns.Select(t => t.Offset)]);
        return new ExtractionOutcome([], _options.MaxAttempts, quarantined);
    }

    private static string Describe(ExtractionRequest request)
    {
        var sb = new StringBuilder("Turns:\n");
        for (int i = 0; i < request.Turns.Count; i++)
        {
            ExtractionTurn t = request.Turns[i];
            sb.Append(CultureInfo.InvariantCulture, $"[{i}] {t.Timestamp.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} {t.Role}");
            if (t.Speaker is not null)
            {
                sb.Append(" (").Append(t.Speaker).Append(')');
            }

            sb.Append(": ").Append(t.Text).Append('\n');
        }

        return sb.ToString();
    }
}
