namespace Myelin.Numerics.Autograd;

public sealed class TapeTests
{
    [Fact]
    public void Gradients_accumulate_across_backward_calls_until_zeroed()
    {
        using var tape = new Tape(Kernels.Default);
        var w = Variable.Parameter([1f, 2f], 2);
        var x = Variable.Constant([3f, 4f], 2);
        tape.Backward(tape.Sum(tape.Multiply(w, x)));
        tape.Reset();
        tape.Backward(tape.Sum(tape.Multiply(w, x)));
        Assert.Equal([6f, 8f], w.Grad.ToArray());
        w.ZeroGrad();
        Assert.Equal([0f, 0f], w.Grad.ToArray());
    }

    [Fact]
    public void No_grad_records_nothing()
    {
        using var tape = new Tape(Kernels.Default);
        var w = Variable.Parameter([1f, 2f], 2);
        using (tape.NoGrad())
        {
            Variable y = tape.Sum(tape.Scale(w, 3f));
            Assert.False(y.RequiresGrad);
            Assert.Equal(9f, y.Item());
            Assert.Equal(0, tape.RecordedCount);
        }

        Assert.True(tape.IsRecording);
    }

    [Fact]
    public void Reset_invalidates_tape_variables_and_reuses_buffers()
    {
        using var tape = new Tape(Kernels.Default);
        var w = Variable.Parameter(new float[64], 8, 8);
        Variable y = tape.Scale(w, 2f);
        tape.Reset();
        Assert.Throws<ObjectDisposedException>(() => y.Data.Length);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            tape.Backward(tape.Sum(tape.Scale(w, 2f)));
            tape.Reset();
        }

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 * 1024, "steps after warm-up should reuse pooled buffers");
    }

    [Fact]
    public void Backward_rejects_non_scalar_loss_and_constant_outputs()
    {
        using var tape = new Tape(Kernels.Default);
        var w = Variable.Parameter([1f, 2f], 2);
        Assert.Throws<ArgumentException>(() => tape.Backward(tape.Scale(w, 1f)));
        var c = Variable.Constant([1f], 1);
        Assert.Throws<InvalidOperationException>(() => tape.Backward(tape.Sum(c)));
    }

    [Fact]
    public void Shape_errors_are_reported()
    {
        using var tape = new Tape(Kernels.Default);
        var a = Variable.Parameter(new float[6], 2, 3);
        var b = Variable.Parameter(new float[6], 2, 3);
        Assert.Throws<ArgumentException>(() => tape.MatMul(a, b));
        Assert.Throws<ArgumentException>(() => tape.Add(a, Variable.Constant(new float[2], 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => tape.Embedding(a, [5]));
        Assert.Throws<ArgumentException>(() => Variable.Parameter(new float[5], 2, 3));
    }
}
