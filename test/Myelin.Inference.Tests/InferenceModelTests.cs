using Myelin.Inference.Models;
using Myelin.Models.Formats;
using Xunit.Abstractions;

namespace Myelin.Inference;

public sealed class InferenceModelTests(ITestOutputHelper output)
{
    public static TheoryData<string, bool> F32Models => new()
    {
        { "llama", false },
        { "llama", true },
        { "qwen2", true },
        { "qwen2", false },
    };

    private static ModelShape ShapeOf(string arch, bool tied) =>
        (arch == "llama" ? TestModels.Llama : TestModels.Qwen2) with { TiedEmbeddings = tied };

    private static float[] AllLogits(InferenceModel model, int[] tokens)
    {
        KvSequence seq = model.CreateSequence(tokens.Length);
        var logits = new float[tokens.Length * model.Shape.VocabSize];
        model.Forward(tokens, [new SequenceBatchEntry(seq, tokens.Length)], logits, LogitsSelection.All);
        Assert.Equal(tokens.Length, seq.Length);
        return logits;
    }

    private static double MaxAbsDiff(ReadOnlySpan<float> a, ReadOnlySpan<double> b)
    {
        double max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a[i] - b[i]));
        }

        return max;
    }

    private static double RelativeRms(ReadOnlySpan<float> a, ReadOnlySpan<double> b)
    {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.Length; i++)
        {
            num += (a[i] - b[i]) * (a[i] - b[i]);
            den += b[i] * b[i];
        }

        return Math.Sqrt(num / den);
    }

    private static int ArgMax(ReadOnlySpan<float> x)
    {
        int best = 0;
        for (int i = 1; i < x.Length; i++)
        {
            best = x[i] > x[best] ? i : best;
        }

        return best;
    }

    private static int ArgMax(ReadOnlySpan<double> x)
    {
        int best = 0;
        for (int i = 1; i < x.Length; i++)
        {
            best = x[i] > x[best] ? i : best;
        }

        return best;
    }

    [Theory]
    [MemberData(nameof(F32Models))]
    public void F32_logits_match_the_float64_reference_within_1e5(string arch, bool tied)
    {
        string path = TestModels.Get(ShapeOf(arch, tied), GgmlType.F32);
        using InferenceModel model = InferenceModel.Open(path);
        float[] logits = AllLogits(model, TestModels.Prompt);
        double[] expected = new ReferenceTransformer(path).Forward(TestModels.Prompt);
        double diff = MaxAbsDiff(logits, expected);
        output.WriteLine($"{arch} tied={tied}: max |logit - reference| = {diff:E2}");
        Assert.True(diff < 1e-5, $"max abs difference {diff:E3}");
        Assert.Equal(tied, model.Shape.TiedEmbeddings);
        Assert.Equal(arch, model.Shape.ArchitectureName);
    }

    [Theory]
    [InlineData("llama", GgmlType.F16)]
    [InlineData("qwen2", GgmlType.F16)]
    [InlineData("llama", GgmlType.BF16)]
    [InlineData("qwen2", GgmlType.BF16)]
    [InlineData("llama", GgmlType.Q8_0)]
    [InlineData("qwen2", GgmlType.Q8_0)]
    [InlineData("llama", GgmlType.Q4_0)]
    [InlineData("qwen2", GgmlType.Q4_0)]
    public void Reduced_precision_logits_match_the_reference_on_the_same_weights(string arch, GgmlType type)
    {
        // The reference decodes the stored weights exactly, so F16/BF16 differ only by float32 rounding (same 1e-5
        // bound as F32). Q8_0/Q4_0 also quantise every activation row to Q8_0, as llama.cpp does: a step of amax/127
        // per 32 values, about 0.7% RMS of a Gaussian row, which compounds to a few percent of the logits' RMS.
        ModelShape shape = ShapeOf(arch, tied: false);
        string path = TestModels.Get(shape, type);
        using InferenceModel model = InferenceModel.Open(path);
        Assert.Equal(type, model.WeightType);
        float[] logits = AllLogits(model, TestModels.Prompt);
        double[] expected = new ReferenceTransformer(path).Forward(TestModels.Prompt);
        double[] f32 = new ReferenceTransformer(TestModels.Get(shape, GgmlType.F32)).Forward(TestModels.Prompt);
        double diff = MaxAbsDiff(logits, expected);
        double vsF32 = MaxAbsDiff(logits, f32);
        double relRms = RelativeRms(logits, expected);
        int vocab = shape.VocabSize;
        int agree = 0;
        int agreeF32 = 0;
        for (int t = 0; t < TestModels.Prompt.Length; t++)
        {
            int got = ArgMax(logits.AsSpan(t * vocab, vocab));
            agree += got == ArgMax(expected.AsSpan(t * vocab, vocab)) ? 1 : 0;
            agreeF32 += got == ArgMax(f32.AsSpan(t * vocab, vocab)) ? 1 : 0;
        }

        output.WriteLine(
            $"{arch} {type}: max |logit - reference on stored weights| = {diff:E2} (relative RMS {relRms:E2}), vs the F32 model {vsF32:E2}; " +
            $"argmax agreement {agree}/{TestModels.Prompt.Length} (stored weights), {agreeF32}/{TestModels.Prompt.Length} (F32 model)");
        if (type is GgmlType.F16 or GgmlType.BF16)
        {
            Assert.True(diff < 1e-5, $"max abs difference {diff:E3}");
        }
        else
        {
            Assert.True(relRms < 0.03, $"relative RMS error {relRms:E3}");
        }

        Assert.True(agree >= TestModels.Prompt.Length - 1, $"argmax agreement {agree}/{TestModels.Prompt.Length}");
    }

    [Theory]
    [InlineData("llama", GgmlType.F32)]
    [InlineData("qwen2", GgmlType.Q8_0)]
    [InlineData("llama", GgmlType.Q4_0)]
    public void Decoding_with_the_cache_equals_full_recompute(string arch, GgmlType type)
    {
        using InferenceModel model = InferenceModel.Open(TestModels.Get(ShapeOf(arch, tied: false), type));
        int[] tokens = TestModels.Prompt;
        int vocab = model.Shape.VocabSize;
        float[] full = AllLogits(model, tokens);
        KvSequence seq = model.CreateSequence(tokens.Length);
        var step = new float[vocab];
        double max = 0;
        for (int t = 0; t < tokens.Length; t++)
        {
            model.Decode(seq, tokens[t], step);
            for (int j = 0; j < vocab; j++)
            {
                max = Math.Max(max, Math.Abs(step[j] - full[(t * vocab) + j]));
            }
        }

        output.WriteLine($"{arch} {type}: max |decode - recompute| = {max:E2}");
        Assert.True(max < 1e-5, $"decode differs from recompute by {max:E3}");
        Assert.Equal(tokens.Length, seq.Length);
    }

    [Theory]
    [InlineData("llama", GgmlType.F32, false)]
    [InlineData("qwen2", GgmlType.F16, true)]
    [InlineData("qwen2", GgmlType.Q8_0, false)]
    [InlineData("llama", GgmlType.Q4_0, true)]
    public void Resident_weights_give_the_same_logits_as_mapped_ones(string arch, GgmlType type, bool tied)
    {
        // Resident weights are a copy of the file's tensor data at the same offsets: any misplaced tensor (an offset
        // off by one block, the output read from the embedding) changes the logits.
        string path = TestModels.Get(ShapeOf(arch, tied), type);
        using InferenceModel resident = InferenceModel.Open(path);
        using InferenceModel mapped = InferenceModel.Open(path, placement: WeightPlacement.Mapped);
        Assert.Equal(WeightPlacement.Resident, resident.Placement);
        Assert.Equal(WeightPlacement.Mapped, mapped.Placement);
        Assert.Equal(AllLogits(mapped, TestModels.Prompt), AllLogits(resident, TestModels.Prompt));

        using GgufFile file = GgufFile.Open(path);
        using InferenceModel fromFile = InferenceModel.FromFile(file);
        Assert.Equal(AllLogits(mapped, TestModels.Prompt), AllLogits(fromFile, TestModels.Prompt));
    }

    [Fact]
    public void An_unknown_weight_placement_is_rejected_before_anything_is_copied()
    {
        string path = TestModels.Get(TestModels.Llama, GgmlType.F32);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => InferenceModel.Open(path, placement: (WeightPlacement)7));
        Assert.Equal("placement", ex.ParamName);
    }

    [Fact]
    public void Chunked_prefill_and_batched_sequences_equal_one_pass()
    {
        using InferenceModel model = InferenceModel.Open(TestModels.Get(TestModels.Llama, GgmlType.F32));
        int vocab = model.Shape.VocabSize;
        int[] a = TestModels.Prompt;
        int[] b = [3, 1, 4, 1, 5, 9, 2, 6];
        float[] fullA = AllLogits(model, a);
        float[] fullB = AllLogits(model, b);

        KvSequence chunked = model.CreateSequence(a.Length);
        var last = new float[vocab];
        model.Prefill(chunked, a, last, chunkSize: 3);
        AssertClose(fullA.AsSpan((a.Length - 1) * vocab, vocab), last);

        // Two sequences in one pass: A continues from 10 cached tokens, B is prefilled from scratch.
        KvSequence seqA = model.CreateSequence(a.Length);
        model.Prefill(seqA, a.AsSpan(0, 10), last);
        KvSequence seqB = model.CreateSequence(b.Length);
        int[] tokens = [.. a[10..], .. b];
        var both = new float[2 * vocab];
        model.Forward(tokens, [new SequenceBatchEntry(seqA, a.Length - 10), new SequenceBatchEntry(seqB, b.Length)], both);
        AssertClose(fullA.AsSpan((a.Length - 1) * vocab, vocab), both.AsSpan(0, vocab));
        AssertClose(fullB.AsSpan((b.Length - 1) * vocab, vocab), both.AsSpan(vocab, vocab));
        Assert.Equal(a.Length, seqA.Length);
        Assert.Equal(b.Length, seqB.Length);
    }

    [Fact]
    public void Bug_single_threaded_model_disposes_cleanly_and_matches_the_threaded_one()
    {
        // A model opened with one thread has a worker pool without helpers; disposing it used to throw from SemaphoreSlim.Release(0).
        string path = TestModels.Get(TestModels.Llama, GgmlType.Q8_0);
        float[] single = new float[TestModels.Llama.VocabSize];
        float[] threaded = new float[TestModels.Llama.VocabSize];
        using (InferenceModel model = InferenceModel.Open(path, threads: 1))
        {
            model.Prefill(model.CreateSequence(TestModels.Prompt.Length), TestModels.Prompt, single);
        }

        using (InferenceModel model = InferenceModel.Open(path, threads: 2))
        {
            model.Prefill(model.CreateSequence(TestModels.Prompt.Length), TestModels.Prompt, threaded);
        }

        Assert.Equal(threaded, single);
    }

    [Fact]
    public void Warming_up_changes_no_later_result_and_fits_a_context_shorter_than_its_run()
    {
        using InferenceModel cold = InferenceModel.Open(TestModels.Get(TestModels.Llama, GgmlType.Q8_0));
        using InferenceModel warm = InferenceModel.Open(TestModels.Get(TestModels.Llama, GgmlType.Q8_0));
        warm.WarmUp();
        int vocab = cold.Shape.VocabSize;
        var expected = new float[vocab];
        var actual = new float[vocab];
        cold.Prefill(cold.CreateSequence(32), TestModels.Prompt, expected);
        warm.Prefill(warm.CreateSequence(32), TestModels.Prompt, actual);
        Assert.Equal(expected, actual);

        // A context shorter than the warm-up's prompt and decode steps is filled exactly, not overrun.
        using InferenceModel tiny = InferenceModel.Open(TestModels.Get(TestModels.Llama with { ContextLength = 3 }, GgmlType.F32));
        tiny.WarmUp();
        tiny.Dispose();
        Assert.Throws<ObjectDisposedException>(tiny.WarmUp);
    }

    [Fact]
    public void Truncating_a_sequence_and_redecoding_reproduces_the_logits()
    {
        using InferenceModel model = InferenceModel.Open(TestModels.Get(TestModels.Qwen2, GgmlType.F32));
        int vocab = model.Shape.VocabSize;
        KvSequence seq = model.CreateSequence(32);
        var first = new float[vocab];
        var again = new float[vocab];
        model.Prefill(seq, TestModels.Prompt, first);
        seq.Truncate(TestModels.Prompt.Length - 1);
        model.Decode(seq, TestModels.Prompt[^1], again);
        AssertClose(first, again);
    }

    [Fact]
    public void Bad_batches_are_rejected_with_clear_errors()
    {
        using InferenceModel model = InferenceModel.Open(TestModels.Get(TestModels.Llama, GgmlType.F32));
        using InferenceModel other = InferenceModel.Open(TestModels.Get(TestModels.Llama, GgmlType.F32));
        var logits = new float[model.Shape.VocabSize];
        KvSequence seq = model.CreateSequence(2);

        var e = Assert.Throws<ArgumentException>(() => model.Decode(seq, 96, logits));
        Assert.Contains("outside the vocabulary", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => model.Decode(other.CreateSequence(2), 1, logits));
        Assert.Contains("another model", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => model.Prefill(seq, [1, 2, 3], logits));
        Assert.Contains("capacity", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, seq.Length);
        e = Assert.Throws<ArgumentException>(() => model.Decode(seq, 1, new float[3]));
        Assert.Contains("logits", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => model.Forward([1, 2], [new(seq, 1), new(seq, 1)], new float[2 * 96]));
        Assert.Contains("share a sequence", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.CreateSequence(model.Shape.ContextLength + 1));
    }

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-5, $"element {i}: {expected[i]} vs {actual[i]}");
        }
    }
}
