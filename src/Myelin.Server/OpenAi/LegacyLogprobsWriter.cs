using System.Text;
using System.Text.Json;
using Myelin.Inference.Chat;

namespace Myelin.Server.OpenAi;

/// <summary>
/// Writes <c>/v1/completions</c>' legacy <c>logprobs</c> object: <c>{tokens, token_logprobs, top_logprobs, text_offset}</c>,
/// one entry per generated token, for a whole response or for one streamed chunk after another.
/// </summary>
/// <remarks>
/// <c>top_logprobs[i]</c> maps each of the requested alternatives (and the sampled token, always) to its log-probability;
/// tokens whose text coincides keep the more likely one. <c>text_offset[i]</c> is where token i's text starts in the
/// completion's text (UTF-16 code units, the prompt not included, as vLLM reports it without <c>echo</c>). Offsets
/// run on across the chunks of a stream, so one writer serves one response; not thread-safe.
/// </remarks>
internal sealed class LegacyLogprobsWriter
{
    // Offsets come from decoding the tokens' bytes in order, so a character split across two tokens is counted once, at
    // the token that completes it, just as it appears in the text.
    private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();
    private int _offset;

    /// <summary>Writes <c>"logprobs": {...}</c> for <paramref name="tokens"/>, the next tokens of the completion.</summary>
    public void Write(Utf8JsonWriter w, IReadOnlyList<TokenLogprobInfo> tokens)
    {
        w.WriteStartObject("logprobs");
        w.WriteStartArray("tokens");
        foreach (TokenLogprobInfo token in tokens)
        {
            w.WriteStringValue(token.Token);
        }

        w.WriteEndArray();
        w.WriteStartArray("token_logprobs");
        foreach (TokenLogprobInfo token in tokens)
        {
            w.WriteNumberValue(token.Logprob);
        }

        w.WriteEndArray();
        w.WriteStartArray("top_logprobs");
        foreach (TokenLogprobInfo token in tokens)
        {
            WriteAlternatives(w, token);
        }

        w.WriteEndArray();
        w.WriteStartArray("text_offset");
        foreach (TokenLogprobInfo token in tokens)
        {
            w.WriteNumberValue(_offset);
            byte[] bytes = [.. token.Bytes];
            _offset += _decoder.GetCharCount(bytes, 0, bytes.Length, flush: false);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteAlternatives(Utf8JsonWriter w, TokenLogprobInfo token)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        w.WriteStartObject();
        foreach (TokenLogprobInfo alternative in token.TopLogprobs)
        {
            if (seen.Add(alternative.Token))
            {
                w.WriteNumber(alternative.Token, alternative.Logprob);
            }
        }

        if (seen.Add(token.Token))
        {
            w.WriteNumber(token.Token, token.Logprob);
        }

        w.WriteEndObject();
    }
}
