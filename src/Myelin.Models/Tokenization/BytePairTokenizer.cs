using System.Text;
using System.Text.RegularExpressions;

namespace Myelin.Models.Tokenization;

/// <summary>
/// Byte-level BPE (<c>tokenizer.ggml.model = gpt2</c>): pre-tokenize with the model's regex, map each piece's UTF-8 bytes
/// to byte-level characters, then apply merges in rank order (lowest rank first) within each piece.
/// </summary>
public sealed class BytePairTokenizer : Tokenizer
{
    private readonly Dictionary<(string Left, string Right), int> _ranks;
    private readonly Regex _pre;

    /// <summary>Creates the tokenizer.</summary>
    /// <exception cref="ArgumentException">A merge is not two pieces separated by one space.</exception>
    public BytePairTokenizer(TokenizerVocabulary vocabulary)
        : base(vocabulary)
    {
        _pre = PreTokenizer.For(vocabulary.PreTokenizer);
        _ranks = new Dictionary<(string, string), int>(vocabulary.Merges.Count);
        for (int rank = 0; rank < vocabulary.Merges.Count; rank++)
        {
            string merge = vocabulary.Merges[rank];
            int space = merge.IndexOf(' ', 1);
            if (space <= 0 || space == merge.Length - 1)
            {
                throw new ArgumentException($"Merge {rank} '{merge}' is not 'left right'.", nameof(vocabulary));
            }

            _ranks.TryAdd((merge[..space], merge[(space + 1)..]), rank);
        }
    }

    /// <inheritdoc />
    protected override void EncodeText(ReadOnlySpan<char> text, List<int> output)
    {
        foreach (string word in PreTokenizer.Split(_pre, text.ToString()))
        {
            string mapped = ByteLevel.Encode(Encoding.UTF8.GetBytes(word));
            if (Ids.TryGetValue(mapped, out int whole))
            {
                output.Add(whole);
                continue;
            }

            foreach (string piece in Merge(mapped))
            {
                if (Ids.TryGetValue(piece, out int id))
                {
                    output.Add(id);
                    continue;
                }

                // A piece the merges built but the vocabulary lacks: fall back to its characters (every byte is a token).
                foreach (char c in piece)
                {
                    output.Add(Ids.TryGetValue(c.ToString(), out int single) ? single : Special.Unknown ?? throw new InvalidOperationException(
                        $"The vocabulary has no token for byte-level character U+{(int)c:X4} and no unknown token."));
                }
            }
        }
    }

    /// <inheritdoc />
    protected override void AppendPieceBytes(int token, bool atStart, List<byte> destination)
    {
        foreach (char c in Vocabulary.Tokens[token])
        {
            if (ByteLevel.TryToByte(c, out byte value))
            {
                destination.Add(value);
            }
            else
            {
                destination.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
        }
    }

    /// <summary>Applies merges to one pre-token: repeatedly merge the adjacent pair of lowest rank.</summary>
    private List<string> Merge(string word)
    {
        var symbols = new List<string>(word.Length);
        foreach (char c in word)
        {
            symbols.Add(c.ToString());
        }

        while (symbols.Count > 1)
        {
            int best = -1, bestRank = int.MaxValue;
            for (int i = 0; i + 1 < symbols.Count; i++)
            {
                if (_ranks.TryGetValue((symbols[i], symbols[i + 1]), out int rank) && rank < bestRank)
                {
                    (best, bestRank) = (i, rank);
                }
            }

            if (best < 0)
            {
                break;
            }

            // Merge every occurrence of the best pair, left to right, as the reference implementation does.
            (string left, string right) = (symbols[best], symbols[best + 1]);
            var merged = new List<string>(symbols.Count);
            for (int i = 0; i < symbols.Count; i++)
            {
                if (i + 1 < symbols.Count && symbols[i] == left && symbols[i + 1] == right)
                {
                    merged.Add(left + right);
                    i++;
                }
                else
                {
                    merged.Add(symbols[i]);
                }
            }

            symbols = merged;
        }

        return symbols;
    }
}
