using Myelin.Numerics.Autograd.Internal;

namespace Myelin.Numerics.Autograd;

/// <summary>
/// Reverse-mode automatic differentiation: operations on <see cref="Variable"/>s compute their result with an
/// <see cref="IKernels"/> implementation and, while recording, remember how to push gradients back to their
/// inputs. <see cref="Backward(Variable)"/> replays that record in reverse.
/// </summary>
/// <remarks>
/// <para><b>Life cycle of a step.</b> Run the forward pass with the tape's operations, call
/// <see cref="Backward(Variable)"/> on the scalar loss (gradients are added into parameters' <see cref="Variable.Grad"/>),
/// update the parameters, then call <see cref="Reset"/>. Reset returns every buffer the tape handed out to an internal
/// pool, so the next step of the same shape allocates nothing large. Variables produced by the tape are invalid after
/// Reset.</para>
/// <para><b>Accumulation.</b> Parameter gradients add up over several forward/backward passes until the caller
/// zeroes them, which is how micro-batches are accumulated. Backward consumes the record: a second call without a new
/// forward pass propagates nothing.</para>
/// <para><b>Inference.</b> Inside <see cref="NoGrad"/> nothing is recorded and dropout is the identity.</para>
/// <para><b>Thread-safety.</b> A tape is used by one thread at a time. Kernels may use several threads internally.</para>
/// </remarks>
public sealed partial class Tape : IDisposable
{
    private readonly IKernels _k;
    private readonly BufferPool _pool = new();
    private readonly List<(Variable Output, Action Backward)> _record = [];
    private readonly List<Variable> _produced = [];
    private readonly List<float[]> _scratch = [];
    private bool _recording = true;

    /// <summary>Creates a tape whose operations run on <paramref name="kernels"/>.</summary>
    /// <param name="kernels">The kernel implementation, e.g. <see cref="Kernels.Default"/>.</param>
    public Tape(IKernels kernels)
    {
        ArgumentNullException.ThrowIfNull(kernels);
        _k = kernels;
    }

    /// <summary>The kernels the operations run on.</summary>
    public IKernels Kernels => _k;

    /// <summary>Whether operations are currently recorded for differentiation.</summary>
    public bool IsRecording => _recording;

    /// <summary>Number of operations recorded and not yet consumed by <see cref="Backward(Variable)"/>.</summary>
    public int RecordedCount => _record.Count;

    /// <summary>Stops recording until the returned scope is disposed (inference mode).</summary>
    /// <returns>A scope that restores the previous mode when disposed.</returns>
    public NoGradScope NoGrad()
    {
        var scope = new NoGradScope(this, _recording);
        _recording = false;
        return scope;
    }

    internal void RestoreRecording(bool recording) => _recording = recording;

    /// <summary>Back-propagates from a one-element <paramref name="loss"/> (seeded with gradient 1).</summary>
    /// <param name="loss">A scalar produced by this tape.</param>
    public void Backward(Variable loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        if (loss.Length != 1)
        {
            throw new ArgumentException($"Backward(loss) needs a one-element loss; this one has {loss.Length}. Pass a gradient instead.", nameof(loss));
        }

        Backward(loss, [1f]);
    }

    /// <summary>Back-propagates from <paramref name="output"/> with the given output gradient.</summary>
    /// <param name="output">A variable produced by this tape.</param>
    /// <param name="gradient">d(objective)/d(output), same length as <paramref name="output"/>.</param>
    public void Backward(Variable output, ReadOnlySpan<float> gradient)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (gradient.Length != output.Length)
        {
            throw new ArgumentException($"Gradient has {gradient.Length} elements; output has {output.Length}.", nameof(gradient));
        }

        if (!output.RequiresGrad)
        {
            throw new InvalidOperationException("The output does not depend on any variable that requires gradients.");
        }

        _k.Axpy(gradient, 1f, GradOf(output));
        for (int i = _record.Count - 1; i >= 0; i--)
        {
            (Variable produced, Action backward) = _record[i];
            if (produced.GradOrNull is not null)
            {
                backward();
            }
        }

        _record.Clear();
    }

    /// <summary>
    /// Forgets the record and returns every buffer this tape handed out to its pool. Variables the tape produced
    /// become invalid; parameters and constants are untouched.
    /// </summary>
    public void Reset()
    {
        _record.Clear();
        foreach (Variable v in _produced)
        {
            (float[]? _, float[]? grad) = v.Release();
            _pool.Return(grad);
        }

        _produced.Clear();
        foreach (float[] a in _scratch)
        {
            _pool.Return(a);
        }

        _scratch.Clear();
    }

    /// <summary>Resets the tape and drops its buffer pool.</summary>
    public void Dispose()
    {
        Reset();
        _pool.Clear();
    }

    /// <summary>Whether an operation over these inputs must be recorded.</summary>
    private bool Tracks(Variable a) => _recording && a.RequiresGrad;

    private bool Tracks(Variable a, Variable b) => _recording && (a.RequiresGrad || b.RequiresGrad);

    private bool Tracks(Variable a, Variable b, Variable c) => _recording && (a.RequiresGrad || b.RequiresGrad || c.RequiresGrad);

    /// <summary>A new tape-owned variable with a pooled buffer.</summary>
    private Variable NewVariable(int[] shape, bool requiresGrad, bool clear = false)
    {
        float[] data = Rent(Variable.ShapeLength(shape), clear);
        var v = new Variable(shape, data, requiresGrad, isLeaf: false);
        _produced.Add(v);
        return v;
    }

    /// <summary>A new tape-owned variable that shares <paramref name="data"/> (owned elsewhere on the tape).</summary>
    private Variable ShareVariable(int[] shape, float[] data, bool requiresGrad)
    {
        var v = new Variable(shape, data, requiresGrad, isLeaf: false);
        _produced.Add(v);
        return v;
    }

    /// <summary>A pooled buffer released at <see cref="Reset"/>.</summary>
    private float[] Rent(int length, bool clear)
    {
        float[] a = _pool.Rent(length, clear);
        _scratch.Add(a);
        return a;
    }

    private void Record(Variable output, Action backward) => _record.Add((output, backward));

    /// <summary>The gradient buffer of <paramref name="v"/>, creating a zeroed pooled one for tape-owned variables.</summary>
    private float[] GradOf(Variable v)
    {
        if (v.IsLeaf)
        {
            return v.GradArray;
        }

        float[]? g = v.GradOrNull;
        if (g is null)
        {
            g = _pool.Rent(v.Length, clear: true);
            v.SetGrad(g);
        }

        return g;
    }

    private static int[] WithLast(ReadOnlySpan<int> shape, int last)
    {
        int[] s = shape.ToArray();
        s[^1] = last;
        return s;
    }

    private static void CheckSameShape(Variable a, Variable b, string op)
    {
        if (!a.Shape.SequenceEqual(b.Shape))
        {
            throw new ArgumentException(
                $"{op}: shapes [{string.Join(", ", a.Shape.ToArray())}] and [{string.Join(", ", b.Shape.ToArray())}] differ.");
        }
    }
}
