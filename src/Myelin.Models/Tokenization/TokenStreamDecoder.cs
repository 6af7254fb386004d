using System.Text;

namespace Myelin.Models.Tokenization;

/// <summary>
/// Turns generated tokens into text as they arrive, holding back bytes of a character split across tokens so a
/// stream never shows a broken character.
/// </summary>
/// <remarks>Not thread-safe: one decoder per generation stream.</remarks>
public sealed class TokenStreamDecoder
{
    private readonly Tokenizer _tokenizer;
    private readonly Decoder _utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();
    private readonly List<byte> _bytes = new(16);
    private readonly bool _renderSpecial;
    private bool _first = true;

    /// <summary>Creates a decoder for one stream.</summary>
    public TokenStreamDecoder(Tokenizer tokenizer, bool renderSpecial = false)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        _tokenizer = tokenizer;
        _renderSpecial = renderSpecial;
    }

    /// <summary>Adds a token and returns the text that is now complete (possibly empty).</summary>
    public string Push(int token)
    {
        _bytes.Clear();
        _tokenizer.AppendBytes(token, _first, _renderSpecial, _bytes);
        _first &= !_tokenizer.IsText(token);
        if (_bytes.Count == 0)
        {
            return string.Empty;
        }

        byte[] bytes = [.. _bytes];
        char[] chars = new char[_utf8.GetCharCount(bytes, 0, bytes.Length, flush: false)];
        int count = _utf8.GetChars(bytes, 0, bytes.Length, chars, 0, flush: false);
        return new string(chars, 0, count);
    }

    /// <summary>Ends the stream: returns whatever is held back (an incomplete character becomes U+FFFD).</summary>
    public string Flush()
    {
        char[] chars = new char[_utf8.GetCharCount([], 0, 0, flush: true)];
        int count = _utf8.GetChars([], 0, 0, chars, 0, flush: true);
        return new string(chars, 0, count);
    }
}
