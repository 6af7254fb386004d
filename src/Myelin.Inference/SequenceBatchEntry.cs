namespace Myelin.Inference;

/// <summary>
/// One sequence's part of a forward batch: its next <paramref name="TokenCount"/> tokens, taken in order from the
/// batch's token span, start at position <see cref="KvSequence.Length"/>.
/// </summary>
/// <param name="Sequence">The sequence's KV cache; extended by the forward pass.</param>
/// <param name="TokenCount">Tokens of this sequence in the batch (1 when decoding, a chunk when prefilling).</param>
public readonly record struct SequenceBatchEntry(KvSequence Sequence, int TokenCount);
