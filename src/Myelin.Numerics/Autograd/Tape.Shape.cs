namespace Myelin.Numerics.Autograd;

public sealed partial class Tape
{
    /// <summary>
    /// The same elements with a new shape; the data is shared, not copied. One dimension may be -1 (inferred).
    /// </summary>
    /// <param name="x">[...]</param>
    /// <param name="shape">The new shape, with the same element count.</param>
    /// <returns>A variable sharing x's data.</returns>
    public Variable Reshape(Variable x, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(shape);
        int[] s = (int[])shape.Clone();
        int infer = Array.IndexOf(s, -1);
        if (infer >= 0)
        {
            s[infer] = 1;
            int known = Variable.ShapeLength(s);
            s[infer] = known == 0 ? 0 : x.Length / known;
        }

        if (Variable.ShapeLength(s) != x.Length)
        {
            throw new ArgumentException($"Reshape: [{string.Join(", ", shape)}] does not hold {x.Length} elements.", nameof(shape));
        }

        bool track = Tracks(x);
        Variable y = ShareVariable(s, x.DataArray, track);
        if (track)
        {
            Record(y, () => _k.Axpy(y.GradArray, 1f, GradOf(x)));
        }

        return y;
    }

    /// <summary>Swaps two dimensions (copies into the new layout).</summary>
    /// <param name="x">[...]</param>
    /// <param name="dim0">First dimension (negative counts from the end).</param>
    /// <param name="dim1">Second dimension.</param>
    /// <returns>x with the two dimensions exchanged.</returns>
    public Variable Transpose(Variable x, int dim0, int dim1)
    {
        ArgumentNullException.ThrowIfNull(x);
        int[] perm = new int[x.Rank];
        for (int i = 0; i < perm.Length; i++)
        {
            perm[i] = i;
        }

        dim0 = dim0 < 0 ? dim0 + x.Rank : dim0;
        dim1 = dim1 < 0 ? dim1 + x.Rank : dim1;
        (perm[dim0], perm[dim1]) = (perm[dim1], perm[dim0]);
        return Permute(x, perm);
    }

    /// <summary>Reorders dimensions: output dimension i is input dimension <c>perm[i]</c> (copies).</summary>
    /// <param name="x">[...]</param>
    /// <param name="perm">A permutation of 0..rank-1.</param>
    /// <returns>The permuted variable.</returns>
    public Variable Permute(Variable x, params int[] perm)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(perm);
        if (perm.Length != x.Rank || perm.Order().Where((p, i) => p != i).Any())
        {
            throw new ArgumentException($"Permute: [{string.Join(", ", perm)}] is not a permutation of {x.Rank} dimensions.", nameof(perm));
        }

        int[] outShape = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++)
        {
            outShape[i] = x.Size(perm[i]);
        }

        bool track = Tracks(x);
        Variable y = NewVariable(outShape, track);
        PermuteCopy(x.DataArray, x.Shape, perm, y.DataArray, accumulate: false);
        if (track)
        {
            int[] inverse = new int[perm.Length];
            for (int i = 0; i < perm.Length; i++)
            {
                inverse[perm[i]] = i;
            }

            Record(y, () => PermuteCopy(y.GradArray, outShape, inverse, GradOf(x), accumulate: true));
        }

        return y;
    }

    /// <summary>Joins variables along one dimension; all other dimensions must agree.</summary>
    /// <param name="parts">The inputs, in order.</param>
    /// <param name="axis">The dimension to join along (negative counts from the end).</param>
    /// <returns>The concatenation.</returns>
    public Variable Concat(IReadOnlyList<Variable> parts, int axis)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0)
        {
            throw new ArgumentException("Concat needs at least one input.", nameof(parts));
        }

        Variable first = parts[0];
        axis = axis < 0 ? axis + first.Rank : axis;
        int outer = 1;
        for (int d = 0; d < axis; d++)
        {
            outer *= first.Size(d);
        }

        int[] shape = first.Shape.ToArray();
        shape[axis] = 0;
        int[] chunks = new int[parts.Count];
        bool track = false;
        for (int i = 0; i < parts.Count; i++)
        {
            Variable p = parts[i];
            if (p.Rank != first.Rank)
            {
                throw new ArgumentException("Concat: inputs differ in rank.", nameof(parts));
            }

            for (int d = 0; d < p.Rank; d++)
            {
                if (d != axis && p.Size(d) != first.Size(d))
                {
                    throw new ArgumentException($"Concat: input {i} differs in dimension {d}.", nameof(parts));
                }
            }

            shape[axis] += p.Size(axis);
            chunks[i] = outer == 0 ? 0 : p.Length / outer;
            track |= p.RequiresGrad;
        }

        track &= _recording;
        Variable y = NewVariable(shape, track);
        int row = chunks.Sum();
        float[] yd = y.DataArray;
        for (int o = 0; o < outer; o++)
        {
            int at = o * row;
            for (int i = 0; i < parts.Count; i++)
            {
                Array.Copy(parts[i].DataArray, o * chunks[i], yd, at, chunks[i]);
                at += chunks[i];
            }
        }

        if (track)
        {
            Variable[] inputs = [.. parts];
            Record(y, () =>
            {
                float[] dy = y.GradArray;
                for (int o = 0; o < outer; o++)
                {
                    int at = o * row;
                    for (int i = 0; i < inputs.Length; i++)
                    {
                        if (inputs[i].RequiresGrad)
                        {
                            _k.Axpy(dy.AsSpan(at, chunks[i]), 1f, GradOf(inputs[i]).AsSpan(o * chunks[i], chunks[i]));
                        }

                        at += chunks[i];
                    }
                }
            });
        }

        return y;
    }

    /// <summary>A contiguous range along one dimension (copied).</summary>
    /// <param name="x">[...]</param>
    /// <param name="axis">The dimension (negative counts from the end).</param>
    /// <param name="start">First index kept.</param>
    /// <param name="length">Number of indices kept.</param>
    /// <returns>x with dimension <paramref name="axis"/> cut to <paramref name="length"/>.</returns>
    public Variable Narrow(Variable x, int axis, int start, int length)
    {
        ArgumentNullException.ThrowIfNull(x);
        axis = axis < 0 ? axis + x.Rank : axis;
        int size = x.Size(axis);
        if (start < 0 || length < 0 || start + length > size)
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"Narrow: [{start}, {start + length}) is outside [0, {size}).");
        }

        int outer = 1, inner = 1;
        for (int d = 0; d < axis; d++)
        {
            outer *= x.Size(d);
        }

        for (int d = axis + 1; d < x.Rank; d++)
        {
            inner *= x.Size(d);
        }

        int[] shape = x.Shape.ToArray();
        shape[axis] = length;
        bool track = Tracks(x);
        Variable y = NewVariable(shape, track);
        int src = size * inner, chunk = length * inner, off = start * inner;
        for (int o = 0; o < outer; o++)
        {
            Array.Copy(x.DataArray, (o * src) + off, y.DataArray, o * chunk, chunk);
        }

        if (track)
        {
            Record(y, () =>
            {
                float[] dx = GradOf(x);
                float[] dy = y.GradArray;
                for (int o = 0; o < outer; o++)
                {
                    _k.Axpy(dy.AsSpan(o * chunk, chunk), 1f, dx.AsSpan((o * src) + off, chunk));
                }
            });
        }

        return y;
    }

    /// <summary>dst (shape permuted by perm) = or += src permuted; a rank-generic odometer over the output.</summary>
    private static void PermuteCopy(float[] src, ReadOnlySpan<int> srcShape, int[] perm, float[] dst, bool accumulate)
    {
        int rank = srcShape.Length;
        if (rank == 0 || dst.Length == 0)
        {
            if (dst.Length == 1)
            {
                dst[0] = accumulate ? dst[0] + src[0] : src[0];
            }

            return;
        }

        Span<int> srcStrides = stackalloc int[rank];
        srcStrides[rank - 1] = 1;
        for (int d = rank - 2; d >= 0; d--)
        {
            srcStrides[d] = srcStrides[d + 1] * srcShape[d + 1];
        }

        Span<int> outShape = stackalloc int[rank];
        Span<int> step = stackalloc int[rank];
        for (int i = 0; i < rank; i++)
        {
            outShape[i] = srcShape[perm[i]];
            step[i] = srcStrides[perm[i]];
        }

        // The innermost output dimension is walked with a strided loop; the outer ones with an odometer.
        Span<int> idx = stackalloc int[rank];
        int inner = outShape[rank - 1], innerStep = step[rank - 1];
        int srcBase = 0;
        for (int o = 0; o < dst.Length; o += inner)
        {
            int s = srcBase;
            if (accumulate)
            {
                for (int j = 0; j < inner; j++, s += innerStep)
                {
                    dst[o + j] += src[s];
                }
            }
            else
            {
                for (int j = 0; j < inner; j++, s += innerStep)
                {
                    dst[o + j] = src[s];
                }
            }

            for (int d = rank - 2; d >= 0; d--)
            {
                idx[d]++;
                srcBase += step[d];
                if (idx[d] < outShape[d])
                {
                    break;
                }

                srcBase -= step[d] * outShape[d];
                idx[d] = 0;
            }
        }
    }
}
