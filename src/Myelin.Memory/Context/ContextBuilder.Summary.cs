using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;

namespace Myelin.Memory.Context;

/// <content>Compacting older turns: the summariser model first when there is one, the extractive summary otherwise.</content>
public sealed partial class ContextBuilder
{
    private async Task<SummaryOutcome> SummariseAsync(IReadOnlyList<ChatMessage> turns, int cap, CancellationToken cancellationToken)
    {
        if (cap < MinSummaryTokens())
        {
            return new SummaryOutcome(null, 0, SummaryMethod.None, 0, null);
        }

        int failures = 0;
        string? error = null;
        if (_options.Summariser is { } summariser)
        {
            try
            {
                string? text = await ModelSummaryAsync(summariser, turns, cap, cancellationToken).ConfigureAwait(false);
                if (text is not null)
                {
                    return new SummaryOutcome(text, MessageTokens(text), SummaryMethod.Model, 0, null);
                }

                failures = 1;
                error = "the summariser answered nothing that fits";
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Any failure of the model (timeout, transport, refusal) falls back to the model-free summary: the
                // context must still be built, and the report counts the failure.
                failures = 1;
                error = ex is TimeoutException or OperationCanceledException
                    ? $"the summariser timed out after {_options.SummariserTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s"
                    : ex.GetType().Name + ": " + ex.Message;
                LogSummariserFailed(_logger, ex, error);
            }
        }

        string? extract = ExtractiveSummary.Build(turns, SummaryHeader, text => MessageTokens(text) <= cap, _options.Seed);
        return extract is null
            ? new SummaryOutcome(null, 0, SummaryMethod.None, failures, error)
            : new SummaryOutcome(extract, MessageTokens(extract), SummaryMethod.Extractive, failures, error);
    }

    private async Task<string?> ModelSummaryAsync(IChatClient summariser, IReadOnlyList<ChatMessage> turns, int cap, CancellationToken cancellationToken)
    {
        // The newest turns matter most when the transcript has to be cut.
        var lines = new List<string>(turns.Count);
        int chars = 0;
        for (int i = turns.Count - 1; i >= 0 && chars < _options.MaxSummariserInputChars; i--)
        {
            string line = turns[i].Role.Value + ": " + MessageText.Of(turns[i]);
            if (chars + line.Length > _options.MaxSummariserInputChars)
            {
                line = line[..(_options.MaxSummariserInputChars - chars)];
            }

            lines.Add(line);
            chars += line.Length + 1;
        }

        lines.Reverse();
        int textTokens = cap - MessageTokens(SummaryHeader);
        int words = Math.Max(8, textTokens * 3 / 4);
        ChatMessage[] prompt =
        [
            new(ChatRole.System,
                $"You compress conversations. Summarise the conversation below in at most {words.ToString(CultureInfo.InvariantCulture)} words, " +
                "as short factual statements: names, numbers, dates, decisions, preferences and open questions. Reply with the summary only."),
            new(ChatRole.User, string.Join('\n', lines)),
        ];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.SummariserTimeout);
        ChatResponse response = await summariser
            .GetResponseAsync(prompt, new ChatOptions { MaxOutputTokens = textTokens, Temperature = 0 }, timeout.Token)
            .WaitAsync(_options.SummariserTimeout, cancellationToken)
            .ConfigureAwait(false);
        string answer = response.Text.Trim();
        if (answer.Length == 0)
        {
            return null;
        }

        // A model may overshoot its word limit: keep whole sentences from the start while they fit.
        string full = SummaryHeader + answer;
        if (MessageTokens(full) <= cap)
        {
            return full;
        }

        var kept = new StringBuilder(SummaryHeader);
        string? fitting = null;
        foreach (string sentence in ExtractiveSummary.Sentences(answer))
        {
            kept.Append(sentence).Append(' ');
            string candidate = kept.ToString().TrimEnd();
            if (MessageTokens(candidate) > cap)
            {
                break;
            }

            fitting = candidate;
        }

        return fitting;
    }
}
