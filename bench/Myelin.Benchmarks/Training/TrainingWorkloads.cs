using Myelin.Models;
using Myelin.Models.Layers;
using Myelin.Numerics;
using Myelin.Numerics.Autograd;
using Myelin.Numerics.Optimizers;

namespace Myelin.Benchmarks.Training;

/// <summary>
/// The two training workloads compared against PyTorch (bench/scripts/train_torch.py builds the same models):
/// (a) MLP 784-256-256-10, ReLU, batch 128, cross-entropy, Adam;
/// (b) Llama-style LM, dim 256, 4 layers, 4 heads, SwiGLU hidden 704, vocab 512, seq 128, batch 16, AdamW.
/// One call to <see cref="ITrainingWorkload.Step"/> is forward + backward + optimiser update.
/// </summary>
public static class TrainingWorkloads
{
    public const int MlpBatch = 128;
    public const int LmVocab = 512;
    public const int LmDim = 256;
    public const int LmLayers = 4;
    public const int LmHeads = 4;
    public const int LmHidden = 704;
    public const int LmSeq = 128;
    public const int LmBatch = 16;

    public static ITrainingWorkload Create(string name) => name switch
    {
        "mlp" => new MlpWorkload(),
        "lm" => new LmWorkload(),
        _ => throw new ArgumentException($"Unknown workload '{name}' (mlp, lm).", nameof(name)),
    };

    private sealed class MlpWorkload : ITrainingWorkload
    {
        private readonly Mlp _model = new([784, 256, 256, 10], new SeededRandom(1));
        private readonly Adam _opt;
        private readonly Tape _tape = new(Kernels.Default);
        private readonly Variable _x;
        private readonly int[] _y = new int[MlpBatch];

        public MlpWorkload()
        {
            _opt = new Adam(_model.Parameters(), 1e-3f);
            var rng = new SeededRandom(2);
            var x = new float[MlpBatch * 784];
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = rng.NextSingle();
            }

            for (int i = 0; i < _y.Length; i++)
            {
                _y[i] = rng.NextInt(10);
            }

            _x = Variable.Constant(x, MlpBatch, 784);
        }

        public string Name => "mlp";

        public float Step()
        {
            Variable loss = _tape.CrossEntropy(_model.Forward(_tape, _x), _y);
            float value = loss.Item();
            _tape.Backward(loss);
            _opt.Step();
            _opt.ZeroGrad();
            _tape.Reset();
            return value;
        }

        public void Dispose() => _tape.Dispose();
    }

    private sealed class LmWorkload : ITrainingWorkload
    {
        private readonly LlamaModel _model = new(
            new LlamaConfig(LmVocab, LmSeq, LmDim, LmLayers, LmHidden, LmHeads, LmHeads), new SeededRandom(1));

        private readonly AdamW _opt;
        private readonly Tape _tape = new(Kernels.Default);
        private readonly int[] _inputs = new int[LmBatch * LmSeq];
        private readonly int[] _targets = new int[LmBatch * LmSeq];

        public LmWorkload()
        {
            _opt = new AdamW(_model.Parameters(), 3e-4f);
            var rng = new SeededRandom(2);
            for (int i = 0; i < _inputs.Length; i++)
            {
                _inputs[i] = rng.NextInt(LmVocab);
                _targets[i] = rng.NextInt(LmVocab);
            }
        }

        public string Name => "lm";

        public float Step()
        {
            Variable loss = _tape.CrossEntropy(_model.Forward(_tape, _inputs, LmBatch), _targets);
            float value = loss.Item();
            _tape.Backward(loss);
            _opt.Step();
            _opt.ZeroGrad();
            _tape.Reset();
            return value;
        }

        public void Dispose() => _tape.Dispose();
    }
}
