using System.Globalization;
using System.Text;

namespace Myelin.Models.Tokenization;

/// <summary>
/// SentencePiece-style tokenization as llama.cpp does it for <c>tokenizer.ggml.model = llama</c>: spaces become U+2581,
/// an optional space prefix, then adjacent pieces merge greedily by vocabulary score (highest first, leftmost on ties);
/// characters with no piece fall back to byte tokens (<c>&lt;0xXX&gt;</c>), or to the unknown token.
/// </summary>
public sealed class SentencePieceTokenizer : Tokenizer
{
    /// <summary>The character SentencePiece uses for a space.</summary>
    public const char SpaceMarker = '\u2581';

    private readonly int[] _byteTokens = new int[256];

    /// <summary>Creates the tokenizer.</summary>
    public SentencePieceTokenizer(TokenizerVocabulary vocabulary)
        : base(vocabulary)
    {
        for (int b = 0; b < 256; b++)
        {
            _byteTokens[b] = Ids.TryGetValue(ByteToken((byte)b), out int id) ? id : -1;
        }
    }

    /// <summary>The piece of the byte-fallback token for <paramref name="value"/>, e.g. <c>&lt;0x0A&gt;</c>.</summary>
    public static string ByteToken(byte value) => string.Create(CultureInfo.InvariantCulture, $"<0x{value:X2}>");

    /// <inheritdoc />
    /// <remarks>
    /// Every run gets the space prefix, also one that follows a special token mid-text, as llama.cpp and SentencePiece
    /// itself (each run is its own sentence) do: "a&lt;/s&gt;b" encodes as U+2581 a, &lt;/s&gt;, U+2581 b.
    /// </remarks>
    protected override void EncodeText(ReadOnlySpan<char> text, List<int> output)
    {
        var normalized = new StringBuilder(text.Length + 1);
        if (Special.AddSpacePrefix)
        {
            normalized.Append(SpaceMarker);
        }

        foreach (char c in text)
        {
            normalized.Append(c == ' ' ? SpaceMarker : c);
        }

        // Symbols start as single characters (surrogate pairs kept whole) in a doubly linked list.
        string s = normalized.ToString();
        var starts = new List<int>(s.Length);
        var lengths = new List<int>(s.Length);
        for (int i = 0; i < s.Length;)
        {
            int length = char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) ? 2 : 1;
            starts.Add(i);
            lengths.Add(length);
            i += length;
        }

        int n = starts.Count;
        int[] prev = new int[n], next = new int[n];
        for (int i = 0; i < n; i++)
        {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }

        var queue = new PriorityQueue<(int Left, int Right, int Length), (float Score, int Left)>(Comparer<(float Score, int Left)>.Create(
            (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Left.CompareTo(b.Left)));
        for (int i = 0; i + 1 < n; i++)
        {
            TryQueue(s, starts, lengths, i, i + 1, queue);
        }

        while (queue.TryDequeue(out (int Left, int Right, int Length) bigram, out _))
        {
            // Skip pairs made stale by an earlier merge.
            if (lengths[bigram.Left] == 0 || lengths[bigram.Right] == 0 || lengths[bigram.Left] + lengths[bigram.Right] != bigram.Length
                || next[bigram.Left] != bigram.Right)
            {
                continue;
            }

            lengths[bigram.Left] += lengths[bigram.Right];
            lengths[bigram.Right] = 0;
            next[bigram.Left] = next[bigram.Right];
            if (next[bigram.Right] >= 0)
            {
                prev[next[bigram.Right]] = bigram.Left;
            }

            if (prev[bigram.Left] >= 0)
            {
                TryQueue(s, starts, lengths, prev[bigram.Left], bigram.Left, queue);
            }

            if (next[bigram.Left] >= 0)
            {
                TryQueue(s, starts, lengths, bigram.Left, next[bigram.Left], queue);
            }
        }

        for (int i = 0; i >= 0 && n > 0; i = next[i])
        {
            string piece = s.Substring(starts[i], lengths[i]);
            if (Ids.TryGetValue(piece, out int id))
            {
                output.Add(id);
                continue;
            }

            foreach (byte b in Encoding.UTF8.GetBytes(piece))
            {
                int byteId = _byteTokens[b];
                output.Add(byteId >= 0 ? byteId : Special.Unknown ?? throw new InvalidOperationException(
                    $"The vocabulary has neither a byte token for 0x{b:X2} nor an unknown token."));
            }
        }
    }

    /// <inheritdoc />
    protected override void AppendPieceBytes(int token, bool atStart, List<byte> destination)
    {
        string piece = Vocabulary.Tokens[token];
        if (Vocabulary.Types[token] == TokenType.Byte && piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal)
            && byte.TryParse(piece.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out byte value))
        {
            destination.Add(value);
            return;
        }

        string text = piece.Replace(SpaceMarker, ' ');
        if (atStart && Special.AddSpacePrefix && text.StartsWith(' '))
        {
            text = text[1..];
        }

        destination.AddRange(Encoding.UTF8.GetBytes(text));
    }

    private void TryQueue(
        string s, List<int> starts, List<int> lengths, int left, int right,
        PriorityQueue<(int Left, int Right, int Length), (float Score, int Left)> queue)
    {
        int length = lengths[left] + lengths[right];
        if (Ids.TryGetValue(s.Substring(starts[left], length), out int id))
        {
            queue.Enqueue((left, right, length), (Vocabulary.Scores[id], left));
        }
    }
}
