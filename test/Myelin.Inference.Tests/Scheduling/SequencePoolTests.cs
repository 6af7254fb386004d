using Myelin.Models.Formats;

namespace Myelin.Inference.Scheduling;

public sealed class SequencePoolTests
{
    [Fact]
    public void A_new_sequence_is_rounded_up_to_whole_granules_within_the_context()
    {
        using InferenceModel model = InferenceModel.Open(TestModels.Get(TestModels.Llama with { ContextLength = 600 }, GgmlType.F32));
        var pool = new SequencePool(model, limit: 2);
        Assert.Equal(SequencePool.Granularity, pool.Rent(1).Capacity);
        Assert.Equal(2 * SequencePool.Granularity, pool.Rent(SequencePool.Granularity + 1).Capacity);
        Assert.Equal(600, pool.Rent(520).Capacity);
    }

    [Fact]
    public void A_returned_sequence_is_handed_out_again_empty_to_a_request_it_fits()
    {
        using InferenceModel model = InferenceModel.Open(TestModels.Get(TestModels.Llama with { ContextLength = 600 }, GgmlType.F32));
        var pool = new SequencePool(model, limit: 2);
        KvSequence used = pool.Rent(100);
        model.Prefill(used, TestModels.Prompt, new float[model.Shape.VocabSize]);
        pool.Return(used);

        KvSequence larger = pool.Rent(300);
        Assert.NotSame(used, larger);
        KvSequence again = pool.Rent(200);
        Assert.Same(used, again);
        Assert.Equal(0, again.Length);
        Assert.Equal(0, pool.Count);
    }

    [Fact]
    public void Rent_takes_the_smallest_kept_sequence_that_fits_and_a_full_pool_keeps_the_largest()
    {
        using InferenceModel model = InferenceModel.Open(TestModels.Get(TestModels.Llama with { ContextLength = 600 }, GgmlType.F32));
        var pool = new SequencePool(model, limit: 2);
        KvSequence small = pool.Rent(10);
        KvSequence medium = pool.Rent(300);
        KvSequence large = pool.Rent(520);
        pool.Return(large);
        pool.Return(small);
        pool.Return(medium);

        // Full at two: the medium one replaced the small one.
        Assert.Equal(2, pool.Count);
        Assert.Same(medium, pool.Rent(10));
        Assert.Same(large, pool.Rent(10));
        Assert.NotSame(small, pool.Rent(10));
    }
}
