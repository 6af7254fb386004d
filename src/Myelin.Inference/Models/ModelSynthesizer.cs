using System.Runtime.InteropServices;
using Myelin.Models.Formats;
using Myelin.Numerics;

namespace Myelin.Inference.Models;

/// <summary>
/// Writes random-weight GGUF models of any Llama or Qwen2 shape, with llama.cpp's metadata keys and tensor names,
/// for tests, demos and benchmarks (the <c>myelin model synth</c> verb).
/// </summary>
/// <remarks>
/// <para>Weights are drawn from a seeded generator, one stream per tensor, so a file is byte-for-byte reproducible and
/// the F32, F16, BF16, Q8_0 and Q4_0 files of one seed hold the same underlying values (before rounding). Matrices are
/// N(0, 1/in), norm weights 1 + N(0, 0.1²) and Qwen2 biases N(0, 0.1²): activations and logits stay of order one.</para>
/// <para>Tensors are generated row-chunk by row-chunk while the file is written, so memory stays small whatever the
/// model size. Stateless and thread-safe.</para>
/// </remarks>
public static class ModelSynthesizer
{
    private const int RowsPerChunk = 64;

    /// <summary>Writes the model described by <paramref name="options"/> to <paramref name="path"/> (replaced).</summary>
    /// <param name="options">Shape, weight type, seed and optional tokenizer metadata.</param>
    /// <param name="path">Destination file.</param>
    /// <exception cref="ArgumentException">The shape is invalid, the weight type unsupported, a quantised type meets a width
    /// that is not a multiple of 32, or the tokenizer supplied a key outside <c>tokenizer.*</c>.</exception>
    public static void Write(SynthesisOptions options, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        GgufWriter writer = CreateWriter(options);
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        writer.WriteTo(path);
    }

    /// <summary>Builds the writer without writing, e.g. to stream the model into any <see cref="Stream"/>.</summary>
    /// <param name="options">Shape, weight type, seed and optional tokenizer metadata.</param>
    /// <returns>A writer holding the metadata and tensor generators.</returns>
    public static GgufWriter CreateWriter(SynthesisOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ModelShape s = options.Shape ?? throw new ArgumentException("A shape is required.", nameof(options));
        s.Validate();
        GgmlType type = options.WeightType;
        if (type is not (GgmlType.F32 or GgmlType.F16 or GgmlType.BF16 or GgmlType.Q8_0 or GgmlType.Q4_0))
        {
            throw new ArgumentException($"Weight type {type} is not supported; use F32, F16, BF16, Q8_0 or Q4_0.", nameof(options));
        }

        if (type is GgmlType.Q8_0 or GgmlType.Q4_0)
        {
            CheckQuantizable(s.EmbeddingLength, nameof(ModelShape.EmbeddingLength), type);
            CheckQuantizable(s.FeedForwardLength, nameof(ModelShape.FeedForwardLength), type);
        }

        string a = s.ArchitectureName;
        var w = new GgufWriter();
        w.AddMetadata("general.architecture", GgufValue.FromString(a));
        w.AddMetadata("general.name", GgufValue.FromString(options.Name));
        w.AddMetadata("general.file_type", GgufValue.FromUInt32(FileType(type)));
        w.AddMetadata($"{a}.vocab_size", GgufValue.FromUInt32((uint)s.VocabSize));
        w.AddMetadata($"{a}.context_length", GgufValue.FromUInt32((uint)s.ContextLength));
        w.AddMetadata($"{a}.embedding_length", GgufValue.FromUInt32((uint)s.EmbeddingLength));
        w.AddMetadata($"{a}.block_count", GgufValue.FromUInt32((uint)s.BlockCount));
        w.AddMetadata($"{a}.feed_forward_length", GgufValue.FromUInt32((uint)s.FeedForwardLength));
        w.AddMetadata($"{a}.attention.head_count", GgufValue.FromUInt32((uint)s.HeadCount));
        w.AddMetadata($"{a}.attention.head_count_kv", GgufValue.FromUInt32((uint)s.HeadCountKv));
        w.AddMetadata($"{a}.rope.freq_base", GgufValue.FromFloat32(s.RopeFreqBase));
        w.AddMetadata($"{a}.rope.dimension_count", GgufValue.FromUInt32((uint)s.HeadDim));
        w.AddMetadata($"{a}.attention.layer_norm_rms_epsilon", GgufValue.FromFloat32(s.RmsNormEpsilon));
        if (options.Tokenizer is { } tokenizer)
        {
            foreach (KeyValuePair<string, GgufValue> kv in tokenizer.GetMetadata(s))
            {
                if (!kv.Key.StartsWith("tokenizer.", StringComparison.Ordinal))
                {
                    throw new ArgumentException(
                        $"Tokenizer metadata key '{kv.Key}' must start with 'tokenizer.'.", nameof(options));
                }

                w.AddMetadata(kv.Key, kv.Value);
            }
        }

        int index = 0;
        int d = s.EmbeddingLength;
        AddMatrix(w, options, index++, TensorNames.TokenEmbedding, s.VocabSize, d);
        for (int b = 0; b < s.BlockCount; b++)
        {
            AddVector(w, options, index++, TensorNames.Block(b, TensorNames.AttentionNorm), d, 1f, 0.1);
            AddMatrix(w, options, index++, TensorNames.Block(b, TensorNames.Query), d, d);
            if (s.HasQkvBias)
            {
                AddVector(w, options, index++, TensorNames.Block(b, TensorNames.QueryBias), d, 0f, 0.1);
            }

            AddMatrix(w, options, index++, TensorNames.Block(b, TensorNames.Key), s.KvDim, d);
            if (s.HasQkvBias)
            {
                AddVector(w, options, index++, TensorNames.Block(b, TensorNames.KeyBias), s.KvDim, 0f, 0.1);
            }

            AddMatrix(w, options, index++, TensorNames.Block(b, TensorNames.Value), s.KvDim, d);
            if (s.HasQkvBias)
            {
                AddVector(w, options, index++, TensorNames.Block(b, TensorNames.ValueBias), s.KvDim, 0f, 0.1);
            }

            AddMatrix(w, options, index++, TensorNames.Block(b, TensorNames.AttentionOutput), d, d);
            AddVector(w, options, index++, TensorNames.Block(b, TensorNames.FeedForwardNorm), d, 1f, 0.1);
            AddMatrix(w, options, index++, TensorNames.Block(b, TensorNames.Gate), s.FeedForwardLength, d);
            AddMatrix(w, options, index++, TensorNames.Block(b, TensorNames.Up), s.FeedForwardLength, d);
            AddMatrix(w, options, index++, TensorNames.Block(b, TensorNames.Down), d, s.FeedForwardLength);
        }

        AddVector(w, options, index++, TensorNames.OutputNorm, d, 1f, 0.1);
        if (!s.TiedEmbeddings)
        {
            AddMatrix(w, options, index, TensorNames.Output, s.VocabSize, d);
        }

        return w;
    }

    // llama_ftype values: ALL_F32 = 0, MOSTLY_F16 = 1, MOSTLY_Q4_0 = 2, MOSTLY_Q8_0 = 7, MOSTLY_BF16 = 32.
    internal static uint FileType(GgmlType t) => t switch
    {
        GgmlType.F32 => 0,
        GgmlType.F16 => 1,
        GgmlType.Q4_0 => 2,
        GgmlType.Q8_0 => 7,
        GgmlType.BF16 => 32,
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "Unsupported ggml type."),
    };

    private static void CheckQuantizable(int width, string name, GgmlType type)
    {
        if (width % 32 != 0)
        {
            throw new ArgumentException($"{type} needs every matrix width to be a multiple of 32; {name} is {width}.", nameof(width));
        }
    }

    private static SeededRandom TensorRandom(ulong seed, int index) =>
        new(seed ^ (0x9E37_79B9_7F4A_7C15UL * (ulong)(index + 1)));

    // ggml dimensions are innermost first: a [rows, cols] row-major matrix is [cols, rows].
    private static void AddMatrix(GgufWriter w, SynthesisOptions o, int index, string name, int rows, int cols)
    {
        GgmlType type = o.WeightType;
        ulong seed = o.Seed;
        w.AddTensor(name, [cols, rows], type, stream =>
        {
            SeededRandom rng = TensorRandom(seed, index);
            double std = 1.0 / Math.Sqrt(cols);
            var chunk = new float[RowsPerChunk * cols];
            for (int r = 0; r < rows; r += RowsPerChunk)
            {
                int n = Math.Min(RowsPerChunk, rows - r);
                Span<float> values = chunk.AsSpan(0, n * cols);
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = (float)(rng.NextGaussian() * std);
                }

                LlamaGguf.WriteTensor(stream, values, type);
            }
        });
    }

    private static void AddVector(GgufWriter w, SynthesisOptions o, int index, string name, int length, float mean, double std)
    {
        var values = new float[length];
        SeededRandom rng = TensorRandom(o.Seed, index);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = mean + (float)(rng.NextGaussian() * std);
        }

        w.AddTensor(name, [length], GgmlType.F32, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
    }
}
