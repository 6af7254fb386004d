using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Myelin.Numerics.Internal;
using Myelin.Numerics.Quantization;

namespace Myelin.Numerics;

/// <content>
/// Quantised dot products and mat-vecs on the integer quants (see <see cref="QuantDot"/>). Mat-vecs split the
/// output rows into slabs handed out dynamically to the threads. With AVX-VNNI the activation is prepared once per
/// call and four rows stream per pass (see <see cref="QuantMatVec"/>; Q4_0 weights take two blocks per 512-bit
/// operation where AVX-512BW and VBMI are present); otherwise each row is one
/// <see cref="QuantDot"/> pass over its weight blocks.
/// </content>
public sealed partial class SimdKernels
{
    /// <summary>Below this many weight bytes a mat-vec stays on one thread.</summary>
    private const long ParallelMatVecBytes = 256 * 1024;

    /// <summary>Longest activation (in blocks) whose prepared copy fits one pack buffer; longer ones take the per-row dot path.</summary>
    private const int MaxPreparedBlocks = PackBuffers.BlockFloats * sizeof(float) / QuantMatVec.PreparedBytesPerBlock;

    /// <inheritdoc />
    public float DotQ8_0(ReadOnlySpan<BlockQ8_0> x, ReadOnlySpan<BlockQ8_0> y)
    {
        KernelChecks.Same(x.Length, y.Length, nameof(y));
        return QuantDot.DotQ8(_level, ref Bytes(x), ref Bytes(y), x.Length);
    }

    /// <inheritdoc />
    public float DotQ4_0(ReadOnlySpan<BlockQ4_0> w, ReadOnlySpan<BlockQ8_0> x)
    {
        KernelChecks.Same(w.Length, x.Length, nameof(x));
        return QuantDot.DotQ4(_level, ref Bytes(w), ref Bytes(x), w.Length);
    }

    /// <inheritdoc />
    public void MatVecQ8_0(ReadOnlySpan<BlockQ8_0> w, ReadOnlySpan<BlockQ8_0> x, int rows, Span<float> y) =>
        MatVecs(x, new QuantizedProduct<BlockQ8_0>(w, rows, y), default, default, q4: false);

    /// <inheritdoc />
    public void MatVecQ4_0(ReadOnlySpan<BlockQ4_0> w, ReadOnlySpan<BlockQ8_0> x, int rows, Span<float> y) =>
        MatVecs(x, new QuantizedProduct<BlockQ4_0>(w, rows, y), default, default, q4: true);

    /// <inheritdoc />
    public void MatVecsQ8_0(ReadOnlySpan<BlockQ8_0> x, QuantizedProduct<BlockQ8_0> first, QuantizedProduct<BlockQ8_0> second, QuantizedProduct<BlockQ8_0> third = default) =>
        MatVecs(x, first, second, third, q4: false);

    /// <inheritdoc />
    public void MatVecsQ4_0(ReadOnlySpan<BlockQ8_0> x, QuantizedProduct<BlockQ4_0> first, QuantizedProduct<BlockQ4_0> second, QuantizedProduct<BlockQ4_0> third = default) =>
        MatVecs(x, first, second, third, q4: true);

    /// <summary>Up to three mat-vecs of one weight type sharing <paramref name="x"/>, as one job (empty products are skipped).</summary>
    private unsafe void MatVecs<TBlock>(
        ReadOnlySpan<BlockQ8_0> x, QuantizedProduct<TBlock> first, QuantizedProduct<TBlock> second, QuantizedProduct<TBlock> third, bool q4)
        where TBlock : unmanaged
    {
        KernelChecks.MatVec(first.Weights.Length, x.Length, first.Rows, first.Output.Length);
        KernelChecks.MatVec(second.Weights.Length, x.Length, second.Rows, second.Output.Length);
        KernelChecks.MatVec(third.Weights.Length, x.Length, third.Rows, third.Output.Length);
        fixed (BlockQ8_0* px = x)
        fixed (TBlock* w0 = first.Weights)
        fixed (TBlock* w1 = second.Weights)
        fixed (TBlock* w2 = third.Weights)
        fixed (float* y0 = first.Output)
        fixed (float* y1 = second.Output)
        fixed (float* y2 = third.Output)
        {
            var job = new MatVecJob { Level = _level, X = (byte*)px, Blocks = x.Length, Q4 = q4 };
            job.Segments[0] = new MatVecSegment((byte*)w0, y0, first.Rows);
            job.Segments[1] = new MatVecSegment((byte*)w1, y1, second.Rows);
            job.Segments[2] = new MatVecSegment((byte*)w2, y2, third.Rows);
            long blocks = (long)first.Weights.Length + second.Weights.Length + third.Weights.Length;
            RunMatVec(ref job, blocks * sizeof(TBlock));
        }
    }

    private static unsafe void RunMatVec(ref MatVecJob job, long bytes)
    {
        int threads = bytes < ParallelMatVecBytes ? 1 : ParallelRunner.MaxThreads;
        job.Slabs = threads * 4;
        job.Rows = job.Segments[0].Rows + job.Segments[1].Rows + job.Segments[2].Rows;
        if (job.Rows == 0 || job.Blocks == 0 || !QuantMatVec.IsSupported(job.Level) || job.Blocks > MaxPreparedBlocks)
        {
            ParallelRunner.For(job.Slabs, threads, job);
            return;
        }

        // Prepare the activation once (flat quants, bias, fp32 scales) in a pooled 64-byte-aligned block.
        float* buffer = PackBuffers.Rent();
        try
        {
            job.Quants = (sbyte*)buffer;
            if (job.Q4 && QuantMatVec.IsQ4x512Supported(job.Level))
            {
                job.Bias = (int*)(job.Quants + QuantMatVec.PlaneQuantBytes(job.Blocks));
                job.Scales = (float*)(job.Bias + QuantMatVec.PlaneBiasLanes(job.Blocks));
                QuantMatVec.PreparePlanes(job.X, job.Blocks, job.Quants, job.Bias, job.Scales);
            }
            else
            {
                job.Bias = (int*)(job.Quants + ((long)job.Blocks * 32));
                job.Scales = (float*)(job.Bias + ((long)job.Blocks * 8));
                QuantMatVec.Prepare(job.X, job.Blocks, job.Q4, job.Quants, job.Bias, job.Scales);
            }

            ParallelRunner.For(job.Slabs, threads, job);
        }
        finally
        {
            PackBuffers.Return(buffer);
        }
    }

    private static ref byte Bytes<T>(ReadOnlySpan<T> span)
        where T : struct => ref MemoryMarshal.GetReference(MemoryMarshal.AsBytes(span));

    /// <summary>One matrix of a (fused) mat-vec: its weight blocks, its output and its row count.</summary>
    private readonly unsafe struct MatVecSegment(byte* weights, float* output, int rows)
    {
        public readonly byte* W = weights;
        public readonly float* Y = output;
        public readonly int Rows = rows;
    }

    [InlineArray(3)]
    private struct MatVecSegments
    {
        private MatVecSegment _first;
    }

    /// <summary>
    /// One slab of output rows; more slabs than threads so a slow thread does not hold up the rest. The rows of the
    /// segments are numbered one after the other, and a slab may span the end of one segment and the start of the next.
    /// </summary>
    private unsafe struct MatVecJob : IParallelJob
    {
        public SimdLevel Level;
        public bool Q4;
        public int Rows;
        public int Blocks;
        public int Slabs;
        public MatVecSegments Segments;
        public byte* X;
        public sbyte* Quants;
        public int* Bias;
        public float* Scales;

        public readonly void Execute(int index)
        {
            int start = (int)((long)Rows * index / Slabs);
            int end = (int)((long)Rows * (index + 1) / Slabs);
            int first = 0;
            for (int s = 0; s < 3 && start < end; s++)
            {
                MatVecSegment segment = Segments[s];
                int from = Math.Max(start, first) - first;
                int to = Math.Min(end, first + segment.Rows) - first;
                if (from < to)
                {
                    RunRows(segment, from, to);
                }

                first += segment.Rows;
            }
        }

        private readonly void RunRows(MatVecSegment segment, int start, int end)
        {
            byte* w = segment.W;
            float* y = segment.Y;
            if (Quants != null)
            {
                if (Q4 && QuantMatVec.IsQ4x512Supported(Level))
                {
                    QuantMatVec.RowsQ4x512(w, Blocks, Quants, Bias, Scales, y, start, end);
                }
                else if (Q4)
                {
                    QuantMatVec.RowsQ4(w, Blocks, Quants, Bias, Scales, y, start, end);
                }
                else
                {
                    QuantMatVec.RowsQ8(w, Blocks, Quants, Bias, Scales, y, start, end, QuantMatVec.IsQ4x512Supported(Level));
                }

                return;
            }

            int stride = Q4 ? QuantDot.Q4Stride : QuantDot.Q8Stride;
            ref byte x = ref Unsafe.AsRef<byte>(X);
            for (int r = start; r < end; r++)
            {
                ref byte row = ref Unsafe.AsRef<byte>(w + ((long)r * Blocks * stride));
                y[r] = Q4 ? QuantDot.DotQ4(Level, ref row, ref x, Blocks) : QuantDot.DotQ8(Level, ref row, ref x, Blocks);
            }
        }
    }
}
