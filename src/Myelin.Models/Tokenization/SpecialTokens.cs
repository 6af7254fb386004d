namespace Myelin.Models.Tokenization;

/// <summary>Special token ids and the flags that say when they are added.</summary>
/// <param name="Bos">Beginning of sequence.</param>
/// <param name="Eos">End of sequence.</param>
/// <param name="Unknown">Unknown token.</param>
/// <param name="Padding">Padding token.</param>
/// <param name="EndOfTurn">End of a chat turn (<c>&lt;|im_end|&gt;</c>, <c>&lt;|eot_id|&gt;</c>), when distinct from EOS.</param>
/// <param name="AddBos">Whether encoding prepends BOS.</param>
/// <param name="AddEos">Whether encoding appends EOS.</param>
/// <param name="AddSpacePrefix">SentencePiece: whether a space is put before the text.</param>
public sealed record SpecialTokens(
    int? Bos = null,
    int? Eos = null,
    int? Unknown = null,
    int? Padding = null,
    int? EndOfTurn = null,
    bool AddBos = false,
    bool AddEos = false,
    bool AddSpacePrefix = true)
{
    /// <summary>Each special id by name, for validation.</summary>
    public IEnumerable<(string Name, int? Id)> All()
    {
        yield return ("bos", Bos);
        yield return ("eos", Eos);
        yield return ("unknown", Unknown);
        yield return ("padding", Padding);
        yield return ("end_of_turn", EndOfTurn);
    }

    /// <summary>Whether <paramref name="token"/> ends generation (EOS or end of turn).</summary>
    public bool IsEndOfGeneration(int token) => token == Eos || token == EndOfTurn;
}
