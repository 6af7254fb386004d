using Myelin.Inference.Internal;
using Myelin.Inference.Models;
using Myelin.Models.Formats;
using Myelin.Numerics;

namespace Myelin.Inference;

public sealed partial class InferenceModel
{
    private unsafe InferenceModel(GgufFile file, bool ownsFile, IKernels kernels, int threads, WeightPlacement placement)
    {
        Shape = ReadShape(file);
        ModelShape s = Shape;
        int d = s.EmbeddingLength;
        if (!Enum.IsDefined(placement))
        {
            throw new ArgumentOutOfRangeException(nameof(placement), placement, "Unknown weight placement.");
        }

        ValidateMatrices(file, s);
        _weights = WeightSource.Create(file, placement);
        WeightSource w = _weights;
        long bytes;
        try
        {
            _embedding = Matrix(file, w, TensorNames.TokenEmbedding, s.VocabSize, d);
            _outputNorm = Vector(file, TensorNames.OutputNorm, d);
            _output = s.TiedEmbeddings ? _embedding : Matrix(file, w, TensorNames.Output, s.VocabSize, d);
            _layers = new Layer[s.BlockCount];
            bytes = _output.ByteSize;
            for (int b = 0; b < s.BlockCount; b++)
            {
                var layer = new Layer
                {
                    AttentionNorm = Vector(file, TensorNames.Block(b, TensorNames.AttentionNorm), d),
                    Query = Matrix(file, w, TensorNames.Block(b, TensorNames.Query), d, d),
                    Key = Matrix(file, w, TensorNames.Block(b, TensorNames.Key), s.KvDim, d),
                    Value = Matrix(file, w, TensorNames.Block(b, TensorNames.Value), s.KvDim, d),
                    QueryBias = s.HasQkvBias ? Vector(file, TensorNames.Block(b, TensorNames.QueryBias), d) : null,
                    KeyBias = s.HasQkvBias ? Vector(file, TensorNames.Block(b, TensorNames.KeyBias), s.KvDim) : null,
                    ValueBias = s.HasQkvBias ? Vector(file, TensorNames.Block(b, TensorNames.ValueBias), s.KvDim) : null,
                    AttentionOutput = Matrix(file, w, TensorNames.Block(b, TensorNames.AttentionOutput), d, d),
                    FeedForwardNorm = Vector(file, TensorNames.Block(b, TensorNames.FeedForwardNorm), d),
                    Gate = Matrix(file, w, TensorNames.Block(b, TensorNames.Gate), s.FeedForwardLength, d),
                    Up = Matrix(file, w, TensorNames.Block(b, TensorNames.Up), s.FeedForwardLength, d),
                    Down = Matrix(file, w, TensorNames.Block(b, TensorNames.Down), d, s.FeedForwardLength),
                };
                bytes += layer.Query.ByteSize + layer.Key.ByteSize + layer.Value.ByteSize + layer.AttentionOutput.ByteSize
                    + layer.Gate.ByteSize + layer.Up.ByteSize + layer.Down.ByteSize;
                _layers[b] = layer;
            }
        }
        catch
        {
            _weights.Dispose();
            throw;
        }

        WeightType = _layers[0].Query.Type;
        Placement = placement;
        DecodeWeightBytes = bytes;
        _file = file;
        _ownsFile = ownsFile;
        _ws = new Workspace(s);
        _ctx = new InferenceContext(kernels, threads);
    }

    /// <summary>Opens a GGUF file and builds the model over its weights; the model owns the file.</summary>
    /// <param name="path">A <c>llama</c> or <c>qwen2</c> GGUF file with F32, F16, BF16, Q8_0 or Q4_0 matrices.</param>
    /// <param name="kernels">Kernels to run on; null for <see cref="Numerics.Kernels.Default"/>.</param>
    /// <param name="threads">Threads for the row-parallel products; 0 for <see cref="Numerics.Kernels.MaxThreads"/>.</param>
    /// <param name="placement">Whether the weights are copied into memory at load (the default) or read from the mapping.</param>
    /// <returns>The model; dispose it to free the weights and unmap the file.</returns>
    /// <exception cref="ModelFormatException">The file is not valid GGUF, names an unsupported architecture, or lacks
    /// or mis-shapes a tensor or metadata key.</exception>
    public static InferenceModel Open(string path, IKernels? kernels = null, int threads = 0, WeightPlacement placement = WeightPlacement.Resident)
    {
        GgufFile file = GgufFile.Open(path);
        try
        {
            return new InferenceModel(file, ownsFile: true, kernels ?? Numerics.Kernels.Default, ResolveThreads(threads), placement);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Builds the model over an open GGUF file that the caller keeps open and disposes.</summary>
    /// <param name="file">The file.</param>
    /// <param name="kernels">Kernels to run on; null for <see cref="Numerics.Kernels.Default"/>.</param>
    /// <param name="threads">Threads for the row-parallel products; 0 for <see cref="Numerics.Kernels.MaxThreads"/>.</param>
    /// <param name="placement">Whether the weights are copied into memory now (the default) or read from the mapping.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ModelFormatException">Unsupported architecture, or a tensor or metadata key is missing or mis-shaped.</exception>
    public static InferenceModel FromFile(GgufFile file, IKernels? kernels = null, int threads = 0, WeightPlacement placement = WeightPlacement.Resident)
    {
        ArgumentNullException.ThrowIfNull(file);
        return new InferenceModel(file, ownsFile: false, kernels ?? Numerics.Kernels.Default, ResolveThreads(threads), placement);
    }

    /// <summary>Reads and validates the model's hyper-parameters from GGUF metadata.</summary>
    /// <param name="file">The file.</param>
    /// <returns>The shape.</returns>
    /// <exception cref="ModelFormatException">The architecture is missing or unsupported, or a key is missing or inconsistent.</exception>
    public static ModelShape ReadShape(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (!file.TryGetMetadata("general.architecture", out GgufValue? archValue) || archValue.Type != GgufValueType.String)
        {
            throw new ModelFormatException("GGUF file has no 'general.architecture' string; it is not a model file.");
        }

        string name = archValue.AsString();
        if (!ArchitectureNames.TryParse(name, out ModelArchitecture arch))
        {
            throw new ModelFormatException(
                $"GGUF architecture '{name}' is not supported; the engine runs '{ArchitectureNames.Llama}' and '{ArchitectureNames.Qwen2}'.");
        }

        GgufTensorInfo embedding = file.TryGetTensor(TensorNames.TokenEmbedding, out GgufTensorInfo? e)
            ? e
            : throw new ModelFormatException($"GGUF {name} model has no tensor '{TensorNames.TokenEmbedding}'.");
        if (embedding.Dimensions.Length != 2 || embedding.Dimensions[1] > int.MaxValue)
        {
            throw new ModelFormatException($"GGUF tensor '{TensorNames.TokenEmbedding}' must be two-dimensional [embedding, vocab].");
        }

        int vocab = (int)embedding.Dimensions[1];
        int heads = Int(file, $"{name}.attention.head_count");
        var shape = new ModelShape(
            arch,
            VocabSize: vocab,
            ContextLength: Int(file, $"{name}.context_length"),
            EmbeddingLength: Int(file, $"{name}.embedding_length"),
            BlockCount: Int(file, $"{name}.block_count"),
            FeedForwardLength: Int(file, $"{name}.feed_forward_length"),
            HeadCount: heads,
            HeadCountKv: file.TryGetMetadata($"{name}.attention.head_count_kv", out _) ? Int(file, $"{name}.attention.head_count_kv") : heads,
            RopeFreqBase: file.TryGetMetadata($"{name}.rope.freq_base", out _) ? Float(file, $"{name}.rope.freq_base") : 10000f,
            RmsNormEpsilon: Float(file, $"{name}.attention.layer_norm_rms_epsilon"),
            TiedEmbeddings: !file.TryGetTensor(TensorNames.Output, out _));
        try
        {
            shape.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new ModelFormatException($"GGUF {name} metadata is inconsistent: {ex.Message}", ex);
        }

        if (file.TryGetMetadata($"{name}.vocab_size", out _) && Int(file, $"{name}.vocab_size") != vocab)
        {
            throw new ModelFormatException(
                $"GGUF metadata '{name}.vocab_size' ({Int(file, $"{name}.vocab_size")}) does not match '{TensorNames.TokenEmbedding}' ({vocab} rows).");
        }

        if (file.TryGetMetadata($"{name}.rope.dimension_count", out _) && Int(file, $"{name}.rope.dimension_count") != shape.HeadDim)
        {
            throw new ModelFormatException(
                $"GGUF metadata '{name}.rope.dimension_count' ({Int(file, $"{name}.rope.dimension_count")}) differs from the head dimension ({shape.HeadDim}); partial rotary embeddings are not supported.");
        }

        return shape;
    }

    private static int ResolveThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        return threads == 0 ? Math.Max(1, Numerics.Kernels.MaxThreads) : threads;
    }

    private static GgufTensorInfo Require(GgufFile file, string name, ReadOnlySpan<long> dims)
    {
        if (!file.TryGetTensor(name, out GgufTensorInfo? t))
        {
            throw new ModelFormatException($"GGUF model has no tensor '{name}'.");
        }

        if (!t.Dimensions.SequenceEqual(dims))
        {
            throw new ModelFormatException(
                $"GGUF tensor '{name}' has dimensions [{string.Join(", ", t.Dimensions.ToArray())}]; expected [{string.Join(", ", dims.ToArray())}].");
        }

        return t;
    }

    /// <summary>Checks every weight matrix's presence, shape and type before any is copied (a bad file fails fast).</summary>
    private static void ValidateMatrices(GgufFile file, ModelShape s)
    {
        int d = s.EmbeddingLength;
        MatrixInfo(file, TensorNames.TokenEmbedding, s.VocabSize, d);
        if (!s.TiedEmbeddings)
        {
            MatrixInfo(file, TensorNames.Output, s.VocabSize, d);
        }

        for (int b = 0; b < s.BlockCount; b++)
        {
            MatrixInfo(file, TensorNames.Block(b, TensorNames.Query), d, d);
            MatrixInfo(file, TensorNames.Block(b, TensorNames.Key), s.KvDim, d);
            MatrixInfo(file, TensorNames.Block(b, TensorNames.Value), s.KvDim, d);
            MatrixInfo(file, TensorNames.Block(b, TensorNames.AttentionOutput), d, d);
            MatrixInfo(file, TensorNames.Block(b, TensorNames.Gate), s.FeedForwardLength, d);
            MatrixInfo(file, TensorNames.Block(b, TensorNames.Up), s.FeedForwardLength, d);
            MatrixInfo(file, TensorNames.Block(b, TensorNames.Down), d, s.FeedForwardLength);
        }
    }

    private static GgufTensorInfo MatrixInfo(GgufFile file, string name, int rows, int cols)
    {
        GgufTensorInfo t = Require(file, name, [cols, rows]);
        if (t.Type is not (GgmlType.F32 or GgmlType.F16 or GgmlType.BF16 or GgmlType.Q8_0 or GgmlType.Q4_0))
        {
            throw new ModelFormatException($"GGUF tensor '{name}' has type {t.Type}; supported are F32, F16, BF16, Q8_0 and Q4_0.");
        }

        return t;
    }

    private static unsafe WeightMatrix Matrix(GgufFile file, WeightSource weights, string name, int rows, int cols)
    {
        GgufTensorInfo t = MatrixInfo(file, name, rows, cols);
        return new WeightMatrix(name, weights.Pointer(t), t.Type, rows, cols);
    }

    private static float[] Vector(GgufFile file, string name, int length)
    {
        GgufTensorInfo t = Require(file, name, [length]);
        if (t.Type is not (GgmlType.F32 or GgmlType.F16 or GgmlType.BF16))
        {
            throw new ModelFormatException($"GGUF tensor '{name}' has type {t.Type}; norm weights and biases must be F32, F16 or BF16.");
        }

        var values = new float[length];
        LlamaGguf.ReadTensor(file.GetTensorData(t), t.Type, values);
        return values;
    }

    private static int Int(GgufFile file, string key)
    {
        GgufValue v = Metadata(file, key);
        try
        {
            return checked((int)v.AsInt64());
        }
        catch (Exception ex) when (ex is InvalidOperationException or OverflowException)
        {
            throw new ModelFormatException($"GGUF metadata '{key}' is not a usable integer ({v.Type}).", ex);
        }
    }

    private static float Float(GgufFile file, string key)
    {
        GgufValue v = Metadata(file, key);
        try
        {
            return (float)v.AsDouble();
        }
        catch (InvalidOperationException ex)
        {
            throw new ModelFormatException($"GGUF metadata '{key}' is not a number ({v.Type}).", ex);
        }
    }

    private static GgufValue Metadata(GgufFile file, string key) => file.TryGetMetadata(key, out GgufValue? v)
        ? v
        : throw new ModelFormatException($"GGUF model has no metadata '{key}'.");
}
