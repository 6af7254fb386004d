using System.Buffers.Binary;
using Myelin.Models.Formats;

namespace Myelin.Inference;

/// <summary>
/// An independent float64 Llama/Qwen2 forward pass in straight loops, sharing no code with the engine: weights are
/// decoded from the GGUF bytes here (F32, F16, BF16, Q8_0, Q4_0), and every step is written out by hand.
/// </summary>
internal sealed class ReferenceTransformer
{
    private readonly Dictionary<string, double[]> _w = new(StringComparer.Ordinal);
    private readonly string _arch;
    private readonly int _d;
    private readonly int _layers;
    private readonly int _ffn;
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _vocab;
    private readonly double _theta;
    private readonly double _eps;

    public ReferenceTransformer(string path)
    {
        using GgufFile file = GgufFile.Open(path);
        _arch = file.Metadata["general.architecture"].AsString();
        _d = (int)file.Metadata[$"{_arch}.embedding_length"].AsInt64();
        _layers = (int)file.Metadata[$"{_arch}.block_count"].AsInt64();
        _ffn = (int)file.Metadata[$"{_arch}.feed_forward_length"].AsInt64();
        _heads = (int)file.Metadata[$"{_arch}.attention.head_count"].AsInt64();
        _kvHeads = (int)file.Metadata[$"{_arch}.attention.head_count_kv"].AsInt64();
        _theta = file.Metadata[$"{_arch}.rope.freq_base"].AsDouble();
        _eps = file.Metadata[$"{_arch}.attention.layer_norm_rms_epsilon"].AsDouble();
        foreach (GgufTensorInfo t in file.Tensors)
        {
            _w[t.Name] = Decode(file.GetTensorData(t), t.Type, checked((int)t.ElementCount));
        }

        _vocab = _w["token_embd.weight"].Length / _d;
    }

    public int Vocab => _vocab;

    /// <summary>Decodes raw tensor bytes by hand.</summary>
    public static double[] Decode(ReadOnlySpan<byte> data, GgmlType type, int count)
    {
        var r = new double[count];
        switch (type)
        {
            case GgmlType.F32:
                for (int i = 0; i < count; i++)
                {
                    r[i] = BinaryPrimitives.ReadSingleLittleEndian(data[(4 * i)..]);
                }

                break;
            case GgmlType.F16:
                for (int i = 0; i < count; i++)
                {
                    r[i] = (double)BinaryPrimitives.ReadHalfLittleEndian(data[(2 * i)..]);
                }

                break;
            case GgmlType.BF16:
                for (int i = 0; i < count; i++)
                {
                    r[i] = BitConverter.UInt32BitsToSingle((uint)BinaryPrimitives.ReadUInt16LittleEndian(data[(2 * i)..]) << 16);
                }

                break;
            case GgmlType.Q8_0:
                for (int b = 0; b < count / 32; b++)
                {
                    ReadOnlySpan<byte> block = data.Slice(b * 34, 34);
                    double scale = (double)BinaryPrimitives.ReadHalfLittleEndian(block);
                    for (int j = 0; j < 32; j++)
                    {
                        r[(b * 32) + j] = scale * (sbyte)block[2 + j];
                    }
                }

                break;
            case GgmlType.Q4_0:
                for (int b = 0; b < count / 32; b++)
                {
                    ReadOnlySpan<byte> block = data.Slice(b * 18, 18);
                    double scale = (double)BinaryPrimitives.ReadHalfLittleEndian(block);
                    for (int j = 0; j < 16; j++)
                    {
                        r[(b * 32) + j] = scale * ((block[2 + j] & 0xF) - 8);
                        r[(b * 32) + j + 16] = scale * ((block[2 + j] >> 4) - 8);
                    }
                }

                break;
            default:
                throw new NotSupportedException(type.ToString());
        }

        return r;
    }

    /// <summary>Logits <c>[tokens.Length, vocab]</c> of every position of one sequence.</summary>
    public double[] Forward(int[] tokens)
    {
        int n = tokens.Length;
        int hd = _d / _heads;
        int kvDim = _kvHeads * hd;
        var x = new double[n, _d];
        double[] emb = _w["token_embd.weight"];
        for (int t = 0; t < n; t++)
        {
            for (int i = 0; i < _d; i++)
            {
                x[t, i] = emb[(tokens[t] * _d) + i];
            }
        }

        for (int l = 0; l < _layers; l++)
        {
            string p = $"blk.{l}.";
            double[,] h = RmsNorm(x, _w[p + "attn_norm.weight"]);
            double[,] q = Linear(h, _w[p + "attn_q.weight"], _d, _w.GetValueOrDefault(p + "attn_q.bias"));
            double[,] k = Linear(h, _w[p + "attn_k.weight"], kvDim, _w.GetValueOrDefault(p + "attn_k.bias"));
            double[,] v = Linear(h, _w[p + "attn_v.weight"], kvDim, _w.GetValueOrDefault(p + "attn_v.bias"));
            Rope(q, _heads, hd);
            Rope(k, _kvHeads, hd);
            var att = new double[n, _d];
            int group = _heads / _kvHeads;
            for (int t = 0; t < n; t++)
            {
                for (int head = 0; head < _heads; head++)
                {
                    int kvHead = head / group;
                    var scores = new double[t + 1];
                    double max = double.NegativeInfinity;
                    for (int s = 0; s <= t; s++)
                    {
                        double dot = 0;
                        for (int i = 0; i < hd; i++)
                        {
                            dot += q[t, (head * hd) + i] * k[s, (kvHead * hd) + i];
                        }

                        scores[s] = dot / Math.Sqrt(hd);
                        max = Math.Max(max, scores[s]);
                    }

                    double sum = 0;
                    for (int s = 0; s <= t; s++)
                    {
                        scores[s] = Math.Exp(scores[s] - max);
                        sum += scores[s];
                    }

                    for (int s = 0; s <= t; s++)
                    {
                        for (int i = 0; i < hd; i++)
                        {
                            att[t, (head * hd) + i] += scores[s] / sum * v[s, (kvHead * hd) + i];
                        }
                    }
                }
            }

            Accumulate(x, Linear(att, _w[p + "attn_output.weight"], _d, null));
            h = RmsNorm(x, _w[p + "ffn_norm.weight"]);
            double[,] gate = Linear(h, _w[p + "ffn_gate.weight"], _ffn, null);
            double[,] up = Linear(h, _w[p + "ffn_up.weight"], _ffn, null);
            for (int t = 0; t < n; t++)
            {
                for (int i = 0; i < _ffn; i++)
                {
                    double g = gate[t, i];
                    gate[t, i] = g / (1 + Math.Exp(-g)) * up[t, i];
                }
            }

            Accumulate(x, Linear(gate, _w[p + "ffn_down.weight"], _d, null));
        }

        double[,] final = RmsNorm(x, _w["output_norm.weight"]);
        double[] output = _w.GetValueOrDefault("output.weight") ?? emb;
        double[,] logits = Linear(final, output, _vocab, null);
        var flat = new double[n * _vocab];
        for (int t = 0; t < n; t++)
        {
            for (int j = 0; j < _vocab; j++)
            {
                flat[(t * _vocab) + j] = logits[t, j];
            }
        }

        return flat;
    }

    private static void Accumulate(double[,] x, double[,] y)
    {
        for (int t = 0; t < x.GetLength(0); t++)
        {
            for (int i = 0; i < x.GetLength(1); i++)
            {
                x[t, i] += y[t, i];
            }
        }
    }

    private double[,] RmsNorm(double[,] x, double[] weight)
    {
        int n = x.GetLength(0);
        var r = new double[n, _d];
        for (int t = 0; t < n; t++)
        {
            double ms = 0;
            for (int i = 0; i < _d; i++)
            {
                ms += x[t, i] * x[t, i];
            }

            double inv = 1 / Math.Sqrt((ms / _d) + _eps);
            for (int i = 0; i < _d; i++)
            {
                r[t, i] = x[t, i] * inv * weight[i];
            }
        }

        return r;
    }

    // W is stored [outDim, in] row-major (ggml dims [in, outDim]).
    private static double[,] Linear(double[,] x, double[] w, int outDim, double[]? bias)
    {
        int n = x.GetLength(0);
        int inDim = x.GetLength(1);
        var y = new double[n, outDim];
        for (int t = 0; t < n; t++)
        {
            for (int o = 0; o < outDim; o++)
            {
                double s = bias?[o] ?? 0;
                for (int i = 0; i < inDim; i++)
                {
                    s += w[(o * inDim) + i] * x[t, i];
                }

                y[t, o] = s;
            }
        }

        return y;
    }

    // llama: ggml "normal" mode rotates (2i, 2i+1); qwen2: NeoX mode rotates (i, i + hd/2).
    private void Rope(double[,] x, int heads, int hd)
    {
        bool neox = _arch == "qwen2";
        for (int t = 0; t < x.GetLength(0); t++)
        {
            for (int h = 0; h < heads; h++)
            {
                for (int i = 0; i < hd / 2; i++)
                {
                    double angle = t * Math.Pow(_theta, -2.0 * i / hd);
                    int a = (h * hd) + (neox ? i : 2 * i);
                    int b = (h * hd) + (neox ? i + (hd / 2) : (2 * i) + 1);
                    double x0 = x[t, a];
                    double x1 = x[t, b];
                    x[t, a] = (x0 * Math.Cos(angle)) - (x1 * Math.Sin(angle));
                    x[t, b] = (x0 * Math.Sin(angle)) + (x1 * Math.Cos(angle));
                }
            }
        }
    }
}
