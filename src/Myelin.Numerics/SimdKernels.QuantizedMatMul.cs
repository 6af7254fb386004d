using System.Runtime.CompilerServices;
using Myelin.Numerics.Internal;
using Myelin.Numerics.Quantization;

namespace Myelin.Numerics;

/// <content>
/// Quantised matrix-matrix products (prefill and batched decode): one fork-join per product over slabs of output
/// rows. With AVX-VNNI every token's activation is prepared once and 4 rows x 4 tokens are register-tiled (see
/// <see cref="QuantMatMul"/>); otherwise each (row, token) pair is one <see cref="QuantDot"/> pass.
/// </content>
public sealed partial class SimdKernels
{
    /// <summary>Most (token, block) pairs whose prepared activations fit one pack buffer; longer products run in token chunks.</summary>
    private const int MaxPreparedPairs = PackBuffers.BlockFloats * sizeof(float) / QuantMatMul.PreparedBytesPerBlock;

    /// <inheritdoc />
    public unsafe void MatMulQ8_0(ReadOnlySpan<BlockQ8_0> w, ReadOnlySpan<BlockQ8_0> x, int rows, int tokens, Span<float> y)
    {
        int blocks = KernelChecks.MatMul(w.Length, x.Length, rows, tokens, y.Length);
        fixed (BlockQ8_0* pw = w)
        fixed (BlockQ8_0* px = x)
        fixed (float* py = y)
        {
            RunMatMul(new MatMulJob { Level = _level, W = (byte*)pw, X = (byte*)px, Y = py, Rows = rows, Blocks = blocks, Tokens = tokens },
                (long)rows * blocks * QuantDot.Q8Stride);
        }
    }

    /// <inheritdoc />
    public unsafe void MatMulQ4_0(ReadOnlySpan<BlockQ4_0> w, ReadOnlySpan<BlockQ8_0> x, int rows, int tokens, Span<float> y)
    {
        int blocks = KernelChecks.MatMul(w.Length, x.Length, rows, tokens, y.Length);
        fixed (BlockQ4_0* pw = w)
        fixed (BlockQ8_0* px = x)
        fixed (float* py = y)
        {
            RunMatMul(new MatMulJob { Level = _level, W = (byte*)pw, X = (byte*)px, Y = py, Rows = rows, Blocks = blocks, Tokens = tokens, Q4 = true },
                (long)rows * blocks * QuantDot.Q4Stride);
        }
    }

    private static unsafe void RunMatMul(MatMulJob job, long weightBytes)
    {
        if (job.Rows == 0 || job.Tokens == 0)
        {
            return;
        }

        int threads = weightBytes * job.Tokens < ParallelMatVecBytes ? 1 : ParallelRunner.MaxThreads;
        int passes = (job.Rows + 3) / 4;
        job.Slabs = Math.Min(passes, threads * 4);
        if (job.Blocks == 0 || job.Blocks > QuantMatMul.MaxBlocks || !QuantMatMul.IsSupported(job.Level))
        {
            ParallelRunner.For(job.Slabs, threads, job);
            return;
        }

        // Prepare the activations once per chunk of tokens (flat quants, bias, fp32 scales) in a pooled 64-byte-aligned
        // block; one chunk (one fork-join) unless tokens x blocks outgrows the block.
        int chunk = Math.Max(1, MaxPreparedPairs / job.Blocks);
        float* buffer = PackBuffers.Rent();
        try
        {
            byte* x = job.X;
            float* y = job.Y;
            int tokens = job.Tokens;
            for (int t = 0; t < tokens; t += chunk)
            {
                job.Tokens = Math.Min(chunk, tokens - t);
                job.X = x + ((long)t * job.Blocks * QuantDot.Q8Stride);
                job.Y = y + ((long)t * job.Rows);
                long pairs = (long)job.Tokens * job.Blocks;
                job.Records = (byte*)buffer;
                job.Scales = (float*)(job.Records + (pairs * 64));
                QuantMatMul.Prepare(job.X, pairs, job.Q4, job.Records, job.Scales);
                ParallelRunner.For(job.Slabs, threads, job);
            }
        }
        finally
        {
            PackBuffers.Return(buffer);
        }
    }

    /// <summary>One slab of whole four-row passes; more slabs than threads so a slow thread does not hold up the rest.</summary>
    private unsafe struct MatMulJob : IParallelJob
    {
        public SimdLevel Level;
        public bool Q4;
        public int Rows;
        public int Blocks;
        public int Tokens;
        public int Slabs;
        public byte* W;
        public byte* X;
        public float* Y;
        public byte* Records;
        public float* Scales;

        public readonly void Execute(int index)
        {
            int passes = (Rows + 3) / 4;
            int start = (int)((long)passes * index / Slabs) * 4;
            int end = Math.Min(Rows, (int)((long)passes * (index + 1) / Slabs) * 4);
            if (Records != null)
            {
                if (Q4)
                {
                    QuantMatMul.Rows<Q4Weights>(W, Rows, Blocks, Tokens, Records, Scales, Y, start, end);
                }
                else
                {
                    QuantMatMul.Rows<Q8Weights>(W, Rows, Blocks, Tokens, Records, Scales, Y, start, end);
                }

                return;
            }

            int stride = Q4 ? QuantDot.Q4Stride : QuantDot.Q8Stride;
            for (int r = start; r < end; r++)
            {
                ref byte row = ref Unsafe.AsRef<byte>(W + ((long)r * Blocks * stride));
                for (int t = 0; t < Tokens; t++)
                {
                    ref byte xt = ref Unsafe.AsRef<byte>(X + ((long)t * Blocks * QuantDot.Q8Stride));
                    Y[((long)t * Rows) + r] = Q4 ? QuantDot.DotQ4(Level, ref row, ref xt, Blocks) : QuantDot.DotQ8(Level, ref row, ref xt, Blocks);
                }
            }
        }
    }
}
