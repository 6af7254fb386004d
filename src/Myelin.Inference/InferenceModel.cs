using Myelin.Inference.Internal;
using Myelin.Inference.Models;
using Myelin.Models.Formats;
using Myelin.Numerics;
using Myelin.Numerics.Quantization;

namespace Myelin.Inference;

/// <summary>
/// An inference-only Llama/Qwen2 transformer whose weights keep their GGUF layout, copied into memory at load or read
/// in place from the memory-mapped file (<see cref="WeightPlacement"/>): F32 matrices feed GEMM directly, Q8_0/Q4_0
/// matrices are multiplied on their blocks with Q8_0 activations, F16/BF16 rows are converted one at a time into small
/// buffers. No autograd, no dequantised copy of the weights.
/// </summary>
/// <remarks>
/// <para>Thread-safety: <see cref="Forward"/>, <see cref="Decode"/> and <see cref="Prefill"/> use per-model scratch
/// buffers and worker threads, so one caller at a time; batch several sequences into one <see cref="Forward"/> call
/// instead of calling concurrently. <see cref="CreateSequence"/> and the properties are thread-safe.</para>
/// <para>Ownership: a model opened with <see cref="Open"/> owns its <see cref="GgufFile"/> and unmaps it on
/// <see cref="Dispose"/>; a model built with <see cref="FromFile"/> leaves the file to the caller, who must keep it
/// open as long as the model is used (its metadata, and with <see cref="WeightPlacement.Mapped"/> its weights).
/// Resident weights are freed on <see cref="Dispose"/>.</para>
/// <para>After warm-up (the first call with a given token count) a forward pass allocates nothing.</para>
/// </remarks>
public sealed partial class InferenceModel : IDisposable
{
    private readonly GgufFile _file;
    private readonly bool _ownsFile;
    private readonly InferenceContext _ctx;
    private readonly WeightMatrix _embedding;
    private readonly WeightMatrix _output;
    private readonly float[] _outputNorm;
    private readonly Layer[] _layers;
    private readonly WeightSource _weights;
    private readonly Workspace _ws;
    private bool _disposed;

    /// <summary>The model's hyper-parameters, read from the file's metadata.</summary>
    public ModelShape Shape { get; }

    /// <summary>The type of the attention and feed-forward matrices (of block 0's query projection).</summary>
    public GgmlType WeightType { get; }

    /// <summary>Whether the weights were copied into memory at load or are read from the file's mapping.</summary>
    public WeightPlacement Placement { get; }

    /// <summary>The kernels the forward pass runs on.</summary>
    public IKernels Kernels => _ctx.Kernels;

    /// <summary>The open GGUF file, e.g. to read tokenizer metadata.</summary>
    public GgufFile File => _file;

    /// <summary>
    /// Bytes of weights a single decode step reads: every block matrix plus the output matrix (the embedding row is
    /// negligible). Divided into the step time it gives the memory bandwidth decoding achieves.
    /// </summary>
    public long DecodeWeightBytes { get; }

    /// <summary>Creates an empty KV cache for one sequence.</summary>
    /// <param name="capacity">The most tokens it will hold; at most <see cref="ModelShape.ContextLength"/>.</param>
    /// <returns>A sequence of length 0.</returns>
    public KvSequence CreateSequence(int capacity)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, Shape.ContextLength);
        return new KvSequence(this, capacity);
    }

    /// <summary>
    /// Runs a short prompt and a few decode steps on a throwaway sequence, so that the first real request pays neither
    /// for compiling the kernels (the JIT) nor for faulting in the memory-mapped weights (every weight page is read once).
    /// </summary>
    /// <remarks>
    /// A server calls it once after loading a model (llama.cpp's server does the same warm-up run). The prompt is long
    /// enough for the prefill path (a mat-mat from four tokens up) and the decode steps take the mat-vec path; together
    /// on a model of four layers or more they call every per-layer kernel more than 30 times, the threshold at which the
    /// JIT recompiles a method optimised.
    /// </remarks>
    public void WarmUp()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // 64 tokens are four attention tiles per KV head (the packed-tile path of a long prefill): on the agent-replay
        // model the first 1.5k-token request then took 170 ms longer than later ones, against 280 ms after a 16-token
        // warm-up and 100 ms after a 256-token one.
        const int PromptTokens = 64;
        const int DecodeSteps = 8;
        int promptLength = Math.Clamp(Shape.ContextLength - DecodeSteps, 1, PromptTokens);
        KvSequence sequence = CreateSequence(Math.Min(Shape.ContextLength, promptLength + DecodeSteps));
        int[] prompt = [.. Enumerable.Range(0, promptLength).Select(i => i % Shape.VocabSize)];
        var logits = new float[Shape.VocabSize];
        Prefill(sequence, prompt, logits);
        while (sequence.Length < sequence.Capacity)
        {
            Decode(sequence, sequence.Length % Shape.VocabSize, logits);
        }
    }

    /// <summary>Decodes one token of one sequence: appends its K/V and returns the next-token logits.</summary>
    /// <param name="sequence">The sequence; its <see cref="KvSequence.Length"/> is the token's position.</param>
    /// <param name="token">Token id.</param>
    /// <param name="logits">[vocab] receives the logits.</param>
    public void Decode(KvSequence sequence, int token, Span<float> logits)
    {
        var entry = new SequenceBatchEntry(sequence, 1);
        Forward(new ReadOnlySpan<int>(ref token), new ReadOnlySpan<SequenceBatchEntry>(ref entry), logits);
    }

    /// <summary>Runs a prompt through the model in chunks, filling the KV cache; returns the last token's logits.</summary>
    /// <param name="sequence">The sequence to extend.</param>
    /// <param name="tokens">[count] token ids, count ≥ 1.</param>
    /// <param name="logits">[vocab] receives the logits after the last token.</param>
    /// <param name="chunkSize">Tokens per forward pass (bounds scratch memory).</param>
    public void Prefill(KvSequence sequence, ReadOnlySpan<int> tokens, Span<float> logits, int chunkSize = 256)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);
        if (tokens.IsEmpty)
        {
            throw new ArgumentException("Prefill needs at least one token.", nameof(tokens));
        }

        for (int start = 0; start < tokens.Length; start += chunkSize)
        {
            int n = Math.Min(chunkSize, tokens.Length - start);
            var entry = new SequenceBatchEntry(sequence, n);
            Forward(tokens.Slice(start, n), new ReadOnlySpan<SequenceBatchEntry>(ref entry), logits);
        }
    }

    /// <summary>
    /// One forward pass over a batch of sequences: each entry's tokens (taken in order from
    /// <paramref name="tokens"/>) start at its sequence's current length; their keys and values are appended to
    /// the sequences and the requested logits written.
    /// </summary>
    /// <param name="tokens">[total] token ids, entries' tokens concatenated in batch order.</param>
    /// <param name="batch">[entries] distinct sequences of this model with their token counts (each ≥ 1, summing to total).</param>
    /// <param name="logits"><c>[entries, vocab]</c> for <see cref="LogitsSelection.LastPerEntry"/>, <c>[total, vocab]</c> for <see cref="LogitsSelection.All"/>.</param>
    /// <param name="selection">Which tokens get logits.</param>
    /// <exception cref="ArgumentException">A token id is out of range, counts do not add up, a sequence repeats,
    /// belongs to another model or would exceed its capacity, or <paramref name="logits"/> is too short.</exception>
    public void Forward(
        ReadOnlySpan<int> tokens, ReadOnlySpan<SequenceBatchEntry> batch, Span<float> logits,
        LogitsSelection selection = LogitsSelection.LastPerEntry)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ValidateBatch(tokens, batch, logits, selection);
        ModelShape s = Shape;
        int total = tokens.Length;
        int d = s.EmbeddingLength;
        int kvDim = s.KvDim;
        int ffn = s.FeedForwardLength;
        IKernels k = _ctx.Kernels;
        int outRows = selection == LogitsSelection.All ? total : batch.Length;
        _ws.Ensure(total, outRows);
        Span<float> x = _ws.X.AsSpan(0, total * d);
        Span<float> xn = _ws.Normed.AsSpan(0, total * d);
        Span<float> q = _ws.Query.AsSpan(0, total * d);
        Span<float> kNew = _ws.Key.AsSpan(0, total * kvDim);
        Span<float> vNew = _ws.Value.AsSpan(0, total * kvDim);
        Span<float> att = _ws.Attention.AsSpan(0, total * d);
        Span<float> tmp = _ws.Temp.AsSpan(0, total * d);
        Span<float> gate = _ws.Gate.AsSpan(0, total * ffn);
        Span<float> up = _ws.Up.AsSpan(0, total * ffn);
        Span<BlockQ8_0> xq = _ws.Quantized;

        for (int t = 0; t < total; t++)
        {
            _embedding.GetRow(tokens[t], x.Slice(t * d, d));
        }

        for (int l = 0; l < _layers.Length; l++)
        {
            Layer layer = _layers[l];
            k.RmsNorm(x, layer.AttentionNorm, total, d, s.RmsNormEpsilon, xn);
            WeightMatrix.MatMulShared(_ctx, xn, total, xq, layer.Query, q, layer.Key, kNew, layer.Value, vNew);
            if (layer.QueryBias is not null)
            {
                AddBias(k, q, layer.QueryBias, total);
                AddBias(k, kNew, layer.KeyBias!, total);
                AddBias(k, vNew, layer.ValueBias!, total);
            }

            int offset = 0;
            foreach (SequenceBatchEntry e in batch)
            {
                int n = e.TokenCount;
                int pos = e.Sequence.Length;
                Span<float> qe = q.Slice(offset * d, n * d);
                Span<float> ke = kNew.Slice(offset * kvDim, n * kvDim);
                k.Rope(qe, n, s.HeadCount, s.HeadDim, pos, s.RopeFreqBase, s.RopeLayout);
                k.Rope(ke, n, s.HeadCountKv, s.HeadDim, pos, s.RopeFreqBase, s.RopeLayout);
                Span<float> keys = e.Sequence.KeyStorage(l);
                Span<float> values = e.Sequence.ValueStorage(l);
                ke.CopyTo(keys[(pos * kvDim)..]);
                vNew.Slice(offset * kvDim, n * kvDim).CopyTo(values[(pos * kvDim)..]);
                int kvLength = pos + n;
                k.Attention(
                    qe, keys[..(kvLength * kvDim)], values[..(kvLength * kvDim)],
                    new AttentionShape(n, kvLength, s.HeadCount, s.HeadCountKv, s.HeadDim),
                    att.Slice(offset * d, n * d));
                offset += n;
            }

            layer.AttentionOutput.MatMul(_ctx, att, total, tmp, xq);
            k.Add(x, tmp, x);
            k.RmsNorm(x, layer.FeedForwardNorm, total, d, s.RmsNormEpsilon, xn);
            WeightMatrix.MatMulShared(_ctx, xn, total, xq, layer.Gate, gate, layer.Up, up);
            k.SwiGlu(gate, up, gate);
            layer.Down.MatMul(_ctx, gate, total, tmp, xq);
            k.Add(x, tmp, x);
        }

        Span<float> hidden = _ws.Hidden.AsSpan(0, outRows * d);
        if (selection == LogitsSelection.All)
        {
            k.RmsNorm(x, _outputNorm, total, d, s.RmsNormEpsilon, hidden);
        }
        else
        {
            int end = 0;
            for (int i = 0; i < batch.Length; i++)
            {
                end += batch[i].TokenCount;
                k.RmsNorm(x.Slice((end - 1) * d, d), _outputNorm, 1, d, s.RmsNormEpsilon, hidden.Slice(i * d, d));
            }
        }

        _output.MatMul(_ctx, hidden, outRows, logits[..(outRows * s.VocabSize)], xq);
        foreach (SequenceBatchEntry e in batch)
        {
            e.Sequence.Length += e.TokenCount;
        }
    }

    /// <summary>Stops the worker threads and, when the model owns it, unmaps the file.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _ctx.Dispose();
        _weights.Dispose();
        if (_ownsFile)
        {
            _file.Dispose();
        }
    }

    private static void AddBias(IKernels k, Span<float> rows, float[] bias, int count)
    {
        for (int t = 0; t < count; t++)
        {
            Span<float> row = rows.Slice(t * bias.Length, bias.Length);
            k.Add(row, bias, row);
        }
    }

    private void ValidateBatch(
        ReadOnlySpan<int> tokens, ReadOnlySpan<SequenceBatchEntry> batch, Span<float> logits, LogitsSelection selection)
    {
        if (batch.IsEmpty)
        {
            throw new ArgumentException("The batch has no entries.", nameof(batch));
        }

        int sum = 0;
        for (int i = 0; i < batch.Length; i++)
        {
            SequenceBatchEntry e = batch[i];
            if (e.Sequence is null)
            {
                throw new ArgumentException($"Batch entry {i} has no sequence.", nameof(batch));
            }

            if (!ReferenceEquals(e.Sequence.Owner, this))
            {
                throw new ArgumentException($"Batch entry {i}'s sequence was created by another model.", nameof(batch));
            }

            if (e.TokenCount <= 0)
            {
                throw new ArgumentException($"Batch entry {i} has {e.TokenCount} tokens; each entry needs at least one.", nameof(batch));
            }

            if (e.Sequence.Length + e.TokenCount > e.Sequence.Capacity)
            {
                throw new ArgumentException(
                    $"Batch entry {i} would grow its sequence to {e.Sequence.Length + e.TokenCount} tokens, beyond its capacity of {e.Sequence.Capacity}.",
                    nameof(batch));
            }

            for (int j = 0; j < i; j++)
            {
                if (ReferenceEquals(batch[j].Sequence, e.Sequence))
                {
                    throw new ArgumentException($"Batch entries {j} and {i} share a sequence.", nameof(batch));
                }
            }

            sum += e.TokenCount;
        }

        if (sum != tokens.Length)
        {
            throw new ArgumentException($"The batch entries hold {sum} tokens but {tokens.Length} were given.", nameof(tokens));
        }

        int vocab = Shape.VocabSize;
        for (int t = 0; t < tokens.Length; t++)
        {
            if ((uint)tokens[t] >= (uint)vocab)
            {
                throw new ArgumentException($"Token {t} has id {tokens[t]}, outside the vocabulary [0, {vocab}).", nameof(tokens));
            }
        }

        long needed = (long)(selection == LogitsSelection.All ? tokens.Length : batch.Length) * vocab;
        if (logits.Length < needed)
        {
            throw new ArgumentException($"The logits span holds {logits.Length} floats; {needed} are needed.", nameof(logits));
        }
    }

    private sealed class Layer
    {
        public required float[] AttentionNorm { get; init; }

        public required WeightMatrix Query { get; init; }

        public required WeightMatrix Key { get; init; }

        public required WeightMatrix Value { get; init; }

        public float[]? QueryBias { get; init; }

        public float[]? KeyBias { get; init; }

        public float[]? ValueBias { get; init; }

        public required WeightMatrix AttentionOutput { get; init; }

        public required float[] FeedForwardNorm { get; init; }

        public required WeightMatrix Gate { get; init; }

        public required WeightMatrix Up { get; init; }

        public required WeightMatrix Down { get; init; }
    }
}
