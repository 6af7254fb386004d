namespace Myelin.Inference;

/// <summary>Which tokens of a forward batch get logits.</summary>
public enum LogitsSelection
{
    /// <summary>The last token of each batch entry: logits are <c>[entries, vocab]</c>.</summary>
    LastPerEntry = 0,

    /// <summary>Every token: logits are <c>[tokens, vocab]</c>.</summary>
    All = 1,
}
