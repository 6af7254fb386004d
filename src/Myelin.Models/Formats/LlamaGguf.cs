using System.Runtime.InteropServices;
using Myelin.Numerics;
using Myelin.Numerics.Autograd;
using Myelin.Numerics.Quantization;

namespace Myelin.Models.Formats;

/// <summary>Saves and loads <see cref="LlamaModel"/>s as GGUF files with llama.cpp's tensor names and metadata keys.</summary>
/// <remarks>
/// Two-dimensional weights are stored with ggml dimensions <c>[in, out]</c> (the reverse of the in-memory
/// <c>[out, in]</c>), exactly as llama.cpp expects. Norm weights are always F32; the other weights use the requested
/// type (F32 is lossless, so an F32 file loads back bit-identically). Loading dequantises into float32 parameters.
/// </remarks>
public static class LlamaGguf
{
    /// <summary>The architecture name written to <c>general.architecture</c>.</summary>
    public const string Architecture = "llama";

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="path">Destination file (replaced).</param>
    /// <param name="weightType">Type for the matrices: F32, F16, BF16, Q8_0 or Q4_0 (quantised types need widths divisible by 32).</param>
    /// <param name="name">Value of <c>general.name</c>.</param>
    public static void Save(LlamaModel model, string path, GgmlType weightType = GgmlType.F32, string name = "myelin-llama")
    {
        ArgumentNullException.ThrowIfNull(model);
        CreateWriter(model, weightType, name).WriteTo(path);
    }

    /// <summary>Builds the writer for <paramref name="model"/> without writing, e.g. to stream into any <see cref="Stream"/>.</summary>
    /// <param name="model">The model; its parameters must not change until the writer has written.</param>
    /// <param name="weightType">Type for the matrices.</param>
    /// <param name="name">Value of <c>general.name</c>.</param>
    /// <returns>A writer holding the metadata and tensors.</returns>
    public static GgufWriter CreateWriter(LlamaModel model, GgmlType weightType = GgmlType.F32, string name = "myelin-llama")
    {
        ArgumentNullException.ThrowIfNull(model);
        LlamaConfig c = model.Config;
        var w = new GgufWriter();
        w.AddMetadata("general.architecture", GgufValue.FromString(Architecture));
        w.AddMetadata("general.name", GgufValue.FromString(name));
        w.AddMetadata("general.file_type", GgufValue.FromUInt32(FileType(weightType)));
        w.AddMetadata("llama.vocab_size", GgufValue.FromUInt32((uint)c.VocabSize));
        w.AddMetadata("llama.context_length", GgufValue.FromUInt32((uint)c.ContextLength));
        w.AddMetadata("llama.embedding_length", GgufValue.FromUInt32((uint)c.EmbeddingLength));
        w.AddMetadata("llama.block_count", GgufValue.FromUInt32((uint)c.BlockCount));
        w.AddMetadata("llama.feed_forward_length", GgufValue.FromUInt32((uint)c.FeedForwardLength));
        w.AddMetadata("llama.attention.head_count", GgufValue.FromUInt32((uint)c.HeadCount));
        w.AddMetadata("llama.attention.head_count_kv", GgufValue.FromUInt32((uint)c.HeadCountKv));
        w.AddMetadata("llama.rope.freq_base", GgufValue.FromFloat32(c.RopeFreqBase));
        w.AddMetadata("llama.rope.dimension_count", GgufValue.FromUInt32((uint)c.HeadDim));
        w.AddMetadata("llama.attention.layer_norm_rms_epsilon", GgufValue.FromFloat32(c.RmsNormEpsilon));
        foreach (KeyValuePair<string, Variable> kv in model.NamedParameters())
        {
            Variable p = kv.Value;
            GgmlType type = p.Rank == 2 ? weightType : GgmlType.F32;
            long[] dims = p.Rank == 2 ? [p.Size(1), p.Size(0)] : [p.Length];
            w.AddTensor(kv.Key, dims, type, s => WriteTensor(s, p.Data, type));
        }

        return w;
    }

    /// <summary>Reads a llama GGUF file written by <see cref="Save"/> (or llama.cpp with supported tensor types).</summary>
    /// <param name="path">The file.</param>
    /// <returns>The model, with float32 parameters.</returns>
    /// <exception cref="ModelFormatException">The file is not a llama model, or a tensor is missing or mis-shaped.</exception>
    public static LlamaModel Load(string path)
    {
        using GgufFile file = GgufFile.Open(path);
        return Load(file);
    }

    /// <summary>Builds a model from an open GGUF file.</summary>
    /// <param name="file">The file.</param>
    /// <returns>The model, with float32 parameters.</returns>
    public static LlamaModel Load(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (!file.TryGetMetadata("general.architecture", out GgufValue? arch) || arch.Type != GgufValueType.String
            || arch.AsString() != Architecture)
        {
            throw new ModelFormatException("GGUF file is not a llama model (general.architecture is missing or not 'llama').");
        }

        GgufTensorInfo embd = Require(file, "token_embd.weight");
        var config = new LlamaConfig(
            VocabSize: (int)embd.Dimensions[1],
            ContextLength: Int(file, "llama.context_length"),
            EmbeddingLength: Int(file, "llama.embedding_length"),
            BlockCount: Int(file, "llama.block_count"),
            FeedForwardLength: Int(file, "llama.feed_forward_length"),
            HeadCount: Int(file, "llama.attention.head_count"),
            HeadCountKv: file.TryGetMetadata("llama.attention.head_count_kv", out _) ? Int(file, "llama.attention.head_count_kv") : Int(file, "llama.attention.head_count"),
            RopeFreqBase: file.TryGetMetadata("llama.rope.freq_base", out GgufValue? fb) ? (float)fb.AsDouble() : 10000f,
            RmsNormEpsilon: (float)Metadata(file, "llama.attention.layer_norm_rms_epsilon").AsDouble(),
            TiedEmbeddings: !file.TryGetTensor("output.weight", out _));
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ModelFormatException($"GGUF llama metadata is inconsistent: {e.Message}", e);
        }

        var model = new LlamaModel(config, new SeededRandom(0));
        foreach (KeyValuePair<string, Variable> kv in model.NamedParameters())
        {
            GgufTensorInfo t = Require(file, kv.Key);
            Variable p = kv.Value;
            long[] expected = p.Rank == 2 ? [p.Size(1), p.Size(0)] : [p.Length];
            if (!t.Dimensions.SequenceEqual(expected))
            {
                throw new ModelFormatException(
                    $"GGUF tensor '{kv.Key}' has dimensions [{string.Join(", ", t.Dimensions.ToArray())}]; expected [{string.Join(", ", expected)}].");
            }

            ReadTensor(file.GetTensorData(t), t.Type, p.Data);
        }

        return model;
    }

    /// <summary>Converts float32 values to the bytes of a ggml tensor of <paramref name="type"/>.</summary>
    /// <param name="destination">Receives the bytes.</param>
    /// <param name="values">The values, row-major.</param>
    /// <param name="type">Target type.</param>
    public static void WriteTensor(Stream destination, ReadOnlySpan<float> values, GgmlType type)
    {
        ArgumentNullException.ThrowIfNull(destination);
        switch (type)
        {
            case GgmlType.F32:
                destination.Write(MemoryMarshal.AsBytes(values));
                break;
            case GgmlType.F16:
                var half = new Half[values.Length];
                FloatConversions.ToHalf(values, half);
                destination.Write(MemoryMarshal.AsBytes(half.AsSpan()));
                break;
            case GgmlType.BF16:
                var bf = new ushort[values.Length];
                FloatConversions.ToBFloat16(values, bf);
                destination.Write(MemoryMarshal.AsBytes(bf.AsSpan()));
                break;
            case GgmlType.Q8_0:
                var q8 = new BlockQ8_0[values.Length / 32];
                Q8_0.Quantize(values, q8);
                destination.Write(MemoryMarshal.AsBytes(q8.AsSpan()));
                break;
            case GgmlType.Q4_0:
                var q4 = new BlockQ4_0[values.Length / 32];
                Q4_0.Quantize(values, q4);
                destination.Write(MemoryMarshal.AsBytes(q4.AsSpan()));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "Unsupported ggml type.");
        }
    }

    /// <summary>Decodes the bytes of a ggml tensor into float32 values.</summary>
    /// <param name="data">The tensor bytes.</param>
    /// <param name="type">Their type.</param>
    /// <param name="destination">Receives the values.</param>
    public static void ReadTensor(ReadOnlySpan<byte> data, GgmlType type, Span<float> destination)
    {
        switch (type)
        {
            case GgmlType.F32:
                MemoryMarshal.Cast<byte, float>(data).CopyTo(destination);
                break;
            case GgmlType.F16:
                FloatConversions.FromHalf(MemoryMarshal.Cast<byte, Half>(data), destination);
                break;
            case GgmlType.BF16:
                FloatConversions.FromBFloat16(MemoryMarshal.Cast<byte, ushort>(data), destination);
                break;
            case GgmlType.Q8_0:
                Q8_0.Dequantize(MemoryMarshal.Cast<byte, BlockQ8_0>(data), destination);
                break;
            case GgmlType.Q4_0:
                Q4_0.Dequantize(MemoryMarshal.Cast<byte, BlockQ4_0>(data), destination);
                break;
            default:
                throw new ModelFormatException($"Unsupported ggml type {type}.");
        }
    }

    // llama_ftype values: ALL_F32 = 0, MOSTLY_F16 = 1, MOSTLY_Q4_0 = 2, MOSTLY_Q8_0 = 7, MOSTLY_BF16 = 32.
    private static uint FileType(GgmlType t) => t switch
    {
        GgmlType.F32 => 0,
        GgmlType.F16 => 1,
        GgmlType.Q4_0 => 2,
        GgmlType.Q8_0 => 7,
        GgmlType.BF16 => 32,
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "Unsupported ggml type."),
    };

    private static GgufTensorInfo Require(GgufFile file, string name) => file.TryGetTensor(name, out GgufTensorInfo? t)
        ? t
        : throw new ModelFormatException($"GGUF llama model has no tensor '{name}'.");

    private static GgufValue Metadata(GgufFile file, string key) => file.TryGetMetadata(key, out GgufValue? v)
        ? v
        : throw new ModelFormatException($"GGUF llama model has no metadata '{key}'.");

    private static int Int(GgufFile file, string key)
    {
        GgufValue v = Metadata(file, key);
        try
        {
            return checked((int)v.AsInt64());
        }
        catch (Exception e) when (e is InvalidOperationException or OverflowException)
        {
            throw new ModelFormatException($"GGUF metadata '{key}' is not a usable integer ({v.Type}).", e);
        }
    }
}
