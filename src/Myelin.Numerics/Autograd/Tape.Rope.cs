using Myelin.Numerics.Internal;

namespace Myelin.Numerics.Autograd;

public sealed partial class Tape
{
    private readonly Dictionary<(int Seq, int HeadDim, float Theta, int Offset, RopeLayout Layout), float[]> _ropeTables = [];

    /// <summary>
    /// Rotary position embedding. Token t of every sequence sits at position <c>positionOffset + t</c>; pair i of a
    /// head rotates by <c>position · θ^(−2i/headDim)</c>, with the same angles (bit for bit) as <see cref="IKernels.Rope"/>.
    /// </summary>
    /// <param name="x">[batch, seq, heads, headDim]</param>
    /// <param name="theta">Frequency base (10000 for Llama 2).</param>
    /// <param name="layout">Which dimensions form the rotated pairs.</param>
    /// <param name="positionOffset">Position of token 0.</param>
    /// <returns>Same shape.</returns>
    /// <remarks>
    /// The cos/sin table for a (seq, headDim, θ, offset) is computed once per tape and reused by every later step,
    /// so training does not re-evaluate the trigonometry each call as the general kernel must.
    /// </remarks>
    public Variable Rope(Variable x, float theta, RopeLayout layout, int positionOffset = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank != 4 || x.Size(3) % 2 != 0)
        {
            throw new ArgumentException("Rope needs x of shape [batch, seq, heads, headDim] with an even headDim.", nameof(x));
        }

        int seq = x.Size(1), heads = x.Size(2), headDim = x.Size(3);
        float[] table = RopeTable(seq, headDim, theta, positionOffset, layout);
        bool track = Tracks(x);
        Variable y = NewVariable(x.Shape.ToArray(), track);
        Rotate(x.DataArray, y.DataArray, table, seq, heads, headDim, layout, inverse: false, accumulate: false);
        if (track)
        {
            // The rotation is orthogonal, so dx = R(−θ)·dy.
            Record(y, () => Rotate(y.GradArray, GradOf(x), table, seq, heads, headDim, layout, inverse: true, accumulate: true));
        }

        return y;
    }

    /// <summary>[seq, half] cos values followed by [seq, half] sin values.</summary>
    private float[] RopeTable(int seq, int headDim, float theta, int offset, RopeLayout layout)
    {
        if (!_ropeTables.TryGetValue((seq, headDim, theta, offset, layout), out float[]? table))
        {
            int half = headDim / 2;
            table = new float[2 * seq * half];
            for (int t = 0; t < seq; t++)
            {
                for (int i = 0; i < half; i++)
                {
                    (table[(t * half) + i], table[(seq * half) + (t * half) + i]) = RopeTables.Angle(offset + t, i, headDim, theta);
                }
            }

            _ropeTables[(seq, headDim, theta, offset, layout)] = table;
        }

        return table;
    }

    /// <summary>dst (=|+=) R(±θ) src over [batch, seq, heads, headDim]; pairs per <paramref name="layout"/>.</summary>
    private static void Rotate(
        float[] src, float[] dst, float[] table, int seq, int heads, int headDim, RopeLayout layout, bool inverse, bool accumulate)
    {
        int half = headDim / 2;
        int sinBase = seq * half;
        float sign = inverse ? -1f : 1f;
        int rowsPerSeq = seq * heads;
        int s0 = layout == RopeLayout.NeoX ? 1 : 2; // stride between pair members' first elements
        int second = layout == RopeLayout.NeoX ? half : 1; // offset of a pair's second member
        for (int row = 0, rows = src.Length / headDim; row < rows; row++)
        {
            int t = row % rowsPerSeq / heads;
            ReadOnlySpan<float> cos = table.AsSpan(t * half, half);
            ReadOnlySpan<float> sin = table.AsSpan(sinBase + (t * half), half);
            int o = row * headDim;
            for (int i = 0; i < half; i++)
            {
                int i0 = o + (i * s0);
                int i1 = i0 + second;
                float a = src[i0], b = src[i1], c = cos[i], s = sign * sin[i];
                float ra = (a * c) - (b * s);
                float rb = (a * s) + (b * c);
                if (accumulate)
                {
                    dst[i0] += ra;
                    dst[i1] += rb;
                }
                else
                {
                    dst[i0] = ra;
                    dst[i1] = rb;
                }
            }
        }
    }
}
