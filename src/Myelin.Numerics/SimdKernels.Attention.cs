using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Myelin.Numerics.Internal;

namespace Myelin.Numerics;

/// <content>
/// Fused, tiled attention. A job is a tile of query rows: up to <see cref="AttentionTile.MaxRows"/> rows made of a
/// few consecutive query tokens times the query heads that share one KV head (GQA), e.g. 16 tokens x 2 heads in
/// prefill, the 2-8 heads of the group in decode, so each key/value block is brought into L1 once per tile instead of
/// once per query. The tile walks its KV head's keys in blocks of 64 (flash-attention online softmax per row: running
/// max and sum, accumulator rescaled by exp(m_old - m_new)). Each key block is used transposed, <c>[HeadDim, 64]</c>,
/// so scores are register-blocked FMAs across keys (4 rows x 4 vectors of keys, no horizontal reduction per key), and
/// each value row feeds four output rows from registers. Causal limits are per row (a tile's tokens sit at different
/// positions). When several token tiles share a KV head (prefill, chunks) its keys and values are packed once per call
/// (keys transposed, values contiguous, block by block, in parallel) into a buffer from the shared array pool;
/// otherwise (decode) each tile transposes its blocks into a stack buffer. Nothing of size KvLength is materialised
/// besides that pooled copy. Tiles are handed to the threads latest tokens first (the causal tiles with the most
/// keys), and shrink (fewer tokens, then fewer heads) when there would be fewer than two tiles per thread.
/// One generic kernel runs at every <see cref="SimdLevel"/> (<c>ISimdWidth</c>); see <see cref="AttentionTile"/>.
/// </content>
public sealed partial class SimdKernels
{
    /// <inheritdoc />
    public unsafe void Attention(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, in AttentionShape shape, Span<float> output)
    {
        KernelChecks.Attention(q.Length, k.Length, v.Length, shape, output.Length);
        if (shape.QueryLength * shape.Heads == 0)
        {
            return;
        }

        long work = (long)shape.QueryLength * shape.Heads * shape.KvLength * shape.HeadDim;
        int threads = work < (1 << 16) ? 1 : ParallelRunner.MaxThreads;
        int group = shape.Heads / shape.KvHeads;
        int heads = Math.Min(group, AttentionTile.MaxRows);
        int tokens = Math.Min(shape.QueryLength, AttentionTile.MaxRows / heads);
        while (threads > 1 && TileCount(shape, tokens, heads) < 2 * threads && (tokens > 1 || heads > 1))
        {
            if (tokens > 1)
            {
                tokens = (tokens + 1) / 2;
            }
            else
            {
                heads = (heads + 1) / 2;
            }
        }

        // When several token tiles share a KV head, its keys and values are packed once for all of them (keys
        // transposed, values contiguous, block by block) instead of once per tile.
        int tokenTiles = (shape.QueryLength + tokens - 1) / tokens;
        int used = shape.Causal ? Math.Clamp(shape.EffectiveQueryOffset + shape.QueryLength, 0, shape.KvLength) : shape.KvLength;
        int blocks = (used + AttentionTile.BlockKeys - 1) / AttentionTile.BlockKeys;
        int headFloats = blocks * AttentionTile.PackedBlockFloats(shape.HeadDim);
        float[]? packed = tokenTiles > 1 && blocks > 0 ? ArrayPool<float>.Shared.Rent(shape.KvHeads * headFloats) : null;
        bool avx = _level >= SimdLevel.Vector256 && Avx.IsSupported;
        fixed (float* pq = q)
        fixed (float* pk = k)
        fixed (float* pv = v)
        fixed (float* po = output)
        fixed (float* pp = packed)
        {
            if (packed is not null)
            {
                var pack = new KvPackJob { K = pk, V = pv, Packed = pp, Shape = shape, Used = used, Blocks = blocks, HeadFloats = headFloats, Avx = avx };
                ParallelRunner.For(shape.KvHeads * blocks, threads, pack);
            }

            var job = new AttentionJob
            {
                Level = _level,
                Avx = avx,
                Shape = shape,
                TileTokens = tokens,
                TileHeads = heads,
                Q = pq,
                K = pk,
                V = pv,
                O = po,
                Packed = pp,
                HeadFloats = headFloats,
            };
            ParallelRunner.For(TileCount(shape, tokens, heads), threads, job);
        }

        if (packed is not null)
        {
            ArrayPool<float>.Shared.Return(packed);
        }
    }

    private static int TileCount(in AttentionShape shape, int tokens, int heads)
    {
        int tokenTiles = (shape.QueryLength + tokens - 1) / tokens;
        int headTiles = ((shape.Heads / shape.KvHeads) + heads - 1) / heads;
        return tokenTiles * shape.KvHeads * headTiles;
    }

    /// <summary>Packs one block of one KV head: index = kvHead * Blocks + block.</summary>
    private unsafe struct KvPackJob : IParallelJob
    {
        public float* K;
        public float* V;
        public float* Packed;
        public AttentionShape Shape;
        public int Used;
        public int Blocks;
        public int HeadFloats;
        public bool Avx;

        public readonly void Execute(int index)
        {
            int hd = Shape.HeadDim;
            int kvRow = Shape.KvHeads * hd;
            int kvh = index / Blocks;
            int j0 = index % Blocks * AttentionTile.BlockKeys;
            int bn = Math.Min(AttentionTile.BlockKeys, Used - j0);
            long src = ((long)j0 * kvRow) + ((long)kvh * hd);
            float* dst = Packed + ((long)kvh * HeadFloats) + ((long)(j0 / AttentionTile.BlockKeys) * AttentionTile.PackedBlockFloats(hd));
            KvBlocks.TransposeKeys(K + src, kvRow, bn, AttentionTile.BlockKeys, hd, dst, Avx);
            KvBlocks.CopyValues(V + src, kvRow, bn, hd, dst + (hd * AttentionTile.BlockKeys));
        }
    }

    private unsafe struct AttentionJob : IParallelJob
    {
        public SimdLevel Level;
        public bool Avx;
        public AttentionShape Shape;
        public int TileTokens;
        public int TileHeads;
        public float* Q;
        public float* K;
        public float* V;
        public float* O;
        public float* Packed;
        public int HeadFloats;

        // The scratch buffers are written before they are read; zeroing them would cost as much as a decode tile's work.
        [SkipLocalsInit]
        public readonly void Execute(int index)
        {
            int hd = Shape.HeadDim;
            int group = Shape.Heads / Shape.KvHeads;
            int headTiles = (group + TileHeads - 1) / TileHeads;
            int tokenTiles = (Shape.QueryLength + TileTokens - 1) / TileTokens;

            // Index 0 is the last token tile: under a causal mask it sees the most keys, so it starts first.
            int tokenTile = tokenTiles - 1 - (index / (Shape.KvHeads * headTiles));
            int rest = index % (Shape.KvHeads * headTiles);
            int kvh = rest / headTiles;
            int h0 = (kvh * group) + ((rest % headTiles) * TileHeads);
            int hn = Math.Min(TileHeads, ((kvh + 1) * group) - h0);
            int t0 = tokenTile * TileTokens;
            int tn = Math.Min(TileTokens, Shape.QueryLength - t0);
            int rows = tn * hn;

            float** qRows = stackalloc float*[AttentionTile.MaxRows];
            float** oRows = stackalloc float*[AttentionTile.MaxRows];
            int* limits = stackalloc int[AttentionTile.MaxRows];
            for (int ti = 0; ti < tn; ti++)
            {
                int t = t0 + ti;
                int visible = Shape.Causal ? Math.Clamp(Shape.EffectiveQueryOffset + t + 1, 0, Shape.KvLength) : Shape.KvLength;
                for (int hi = 0; hi < hn; hi++)
                {
                    int r = (ti * hn) + hi;
                    long offset = (((long)t * Shape.Heads) + h0 + hi) * hd;
                    qRows[r] = Q + offset;
                    oRows[r] = O + offset;
                    limits[r] = visible;
                }
            }

            int kvRow = Shape.KvHeads * hd;
            float* k = K + ((long)kvh * hd);
            float* v = V + ((long)kvh * hd);
            float scale = Shape.EffectiveScale;
            float* packed = Packed is null ? null : Packed + ((long)kvh * HeadFloats);
            const int StackDims = 256;
            int block = hd * AttentionTile.BlockKeys;
            float[]? rented = hd > StackDims ? ArrayPool<float>.Shared.Rent(2 * block) : null;
            Span<float> scratch = rented ?? stackalloc float[2 * Math.Min(hd, StackDims) * AttentionTile.BlockKeys];
            fixed (float* kt = scratch)
            {
                float* vb = kt + block;
                switch (Level)
                {
                    case SimdLevel.Vector512:
                        AttentionTile.Run<Vector512<float>, Width512>(qRows, oRows, limits, rows, k, v, kvRow, hd, scale, kt, vb, packed, Avx);
                        break;
                    case SimdLevel.Vector256:
                        AttentionTile.Run<Vector256<float>, Width256>(qRows, oRows, limits, rows, k, v, kvRow, hd, scale, kt, vb, packed, Avx);
                        break;
                    case SimdLevel.Vector128:
                        AttentionTile.Run<Vector128<float>, Width128>(qRows, oRows, limits, rows, k, v, kvRow, hd, scale, kt, vb, packed, Avx);
                        break;
                    default:
                        AttentionTile.Run<float, WidthScalar>(qRows, oRows, limits, rows, k, v, kvRow, hd, scale, kt, vb, packed, Avx);
                        break;
                }
            }

            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }
}
