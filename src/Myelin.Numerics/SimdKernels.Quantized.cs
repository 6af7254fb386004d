using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Myelin.Numerics.Internal;
using Myelin.Numerics.Quantization;

namespace Myelin.Numerics;

/// <content>
/// Quantised dot products and mat-vecs on the integer quants (see <see cref="QuantDot"/>). Mat-vecs split the
/// output rows into slabs handed out dynamically to the threads. With AVX-VNNI the activation is prepared once per
/// call and four rows stream per pass (see <see cref="QuantMatVec"/>; Q4_0 weights take two blocks per 512-bit
/// operation where AVX-512BW is present); otherwise each row is one
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
    public unsafe void MatVecQ8_0(ReadOnlySpan<BlockQ8_0> w, ReadOnlySpan<BlockQ8_0> x, int rows, Span<float> y)
    {
        KernelChecks.MatVec(w.Length, x.Length, rows, y.Length);
        fixed (BlockQ8_0* pw = w)
        fixed (BlockQ8_0* px = x)
        fixed (float* py = y)
        {
            RunMatVec(new MatVecJob { Level = _level, W = (byte*)pw, X = (byte*)px, Y = py, Rows = rows, Blocks = x.Length, Q4 = false },
                (long)w.Length * QuantDot.Q8Stride);
        }
    }

    /// <inheritdoc />
    public unsafe void MatVecQ4_0(ReadOnlySpan<BlockQ4_0> w, ReadOnlySpan<BlockQ8_0> x, int rows, Span<float> y)
    {
        KernelChecks.MatVec(w.Length, x.Length, rows, y.Length);
        fixed (BlockQ4_0* pw = w)
        fixed (BlockQ8_0* px = x)
        fixed (float* py = y)
        {
            RunMatVec(new MatVecJob { Level = _level, W = (byte*)pw, X = (byte*)px, Y = py, Rows = rows, Blocks = x.Length, Q4 = true },
                (long)w.Length * QuantDot.Q4Stride);
        }
    }

    private static unsafe void RunMatVec(MatVecJob job, long bytes)
    {
        int threads = bytes < ParallelMatVecBytes ? 1 : ParallelRunner.MaxThreads;
        job.Slabs = threads * 4;
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
            job.Bias = (int*)(job.Quants + ((long)job.Blocks * 32));
            job.Scales = (float*)(job.Bias + ((long)job.Blocks * 8));
            QuantMatVec.Prepare(job.X, job.Blocks, job.Q4, job.Quants, job.Bias, job.Scales);
            if (job.Q4 && QuantMatVec.IsQ4x512Supported(job.Level))
            {
                job.Offsets = job.Scales + job.Blocks;
                QuantMatVec.PrepareOffsets(job.Bias, job.Blocks, job.Offsets);
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

    /// <summary>One slab of output rows; more slabs than threads so a slow thread does not hold up the rest.</summary>
    private unsafe struct MatVecJob : IParallelJob
    {
        public SimdLevel Level;
        public bool Q4;
        public int Rows;
        public int Blocks;
        public int Slabs;
        public byte* W;
        public byte* X;
        public float* Y;
        public sbyte* Quants;
        public int* Bias;
        public float* Scales;
        public float* Offsets;

        public readonly void Execute(int index)
        {
            int start = (int)((long)Rows * index / Slabs);
            int end = (int)((long)Rows * (index + 1) / Slabs);
            if (Quants != null)
            {
                if (Offsets != null)
                {
                    QuantMatVec.RowsQ4x512(W, Blocks, Quants, Bias, Scales, Offsets, Y, start, end);
                }
                else if (Q4)
                {
                    QuantMatVec.RowsQ4(W, Blocks, Quants, Bias, Scales, Y, start, end);
                }
                else
                {
                    QuantMatVec.RowsQ8(W, Blocks, Quants, Bias, Scales, Y, start, end);
                }

                return;
            }

            int stride = Q4 ? QuantDot.Q4Stride : QuantDot.Q8Stride;
            ref byte x = ref Unsafe.AsRef<byte>(X);
            for (int r = start; r < end; r++)
            {
                ref byte row = ref Unsafe.AsRef<byte>(W + ((long)r * Blocks * stride));
                Y[r] = Q4 ? QuantDot.DotQ4(Level, ref row, ref x, Blocks) : QuantDot.DotQ8(Level, ref row, ref x, Blocks);
            }
        }
    }
}
