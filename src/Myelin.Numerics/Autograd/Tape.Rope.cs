namespace Myelin.Numerics.Autograd;

public sealed partial class Tape
{
    /// <summary>
    /// Rotary position embedding. Token t of every sequence sits at position <c>positionOffset + t</c>.
    /// </summary>
    /// <param name="x">[batch, seq, heads, headDim]</param>
    /// <param name="theta">Frequency base (10000 for Llama 2).</param>
    /// <param name="layout">Which dimensions form the rotated pairs.</param>
    /// <param name="positionOffset">Position of token 0.</param>
    /// <returns>Same shape.</returns>
    public Variable Rope(Variable x, float theta, RopeLayout layout, int positionOffset = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank != 4 || x.Size(3) % 2 != 0)
        {
            throw new ArgumentException("Rope needs x of shape [batch, seq, heads, headDim] with an even headDim.", nameof(x));
        }

        int batch = x.Size(0), seq = x.Size(1), heads = x.Size(2), headDim = x.Size(3);
        bool track = Tracks(x);
        Variable y = NewVariable(x.Shape.ToArray(), track);
        x.Data.CopyTo(y.Data);
        int per = seq * heads * headDim;
        for (int b = 0; b < batch; b++)
        {
            _k.Rope(y.DataArray.AsSpan(b * per, per), seq, heads, headDim, positionOffset, theta, layout);
        }

        if (track)
        {
            Record(y, () =>
            {
                // The rotation is orthogonal, so dx = R(−θ)·dy. R(−θ)(a, b) = flip(R(θ)(a, −b)) where flip negates the
                // second member of each pair, so the forward kernel computes the inverse without a second table.
                float[] g = Rent(y.Length, clear: false);
                y.GradArray.CopyTo(g, 0);
                NegateSecond(g, headDim, layout);
                for (int b = 0; b < batch; b++)
                {
                    _k.Rope(g.AsSpan(b * per, per), seq, heads, headDim, positionOffset, theta, layout);
                }

                NegateSecond(g, headDim, layout);
                _k.Axpy(g, 1f, GradOf(x));
            });
        }

        return y;
    }

    private static void NegateSecond(Span<float> v, int headDim, RopeLayout layout)
    {
        if (layout == RopeLayout.Interleaved)
        {
            for (int i = 1; i < v.Length; i += 2)
            {
                v[i] = -v[i];
            }

            return;
        }

        int half = headDim / 2;
        for (int h = 0; h < v.Length; h += headDim)
        {
            Span<float> second = v.Slice(h + half, half);
            for (int i = 0; i < second.Length; i++)
            {
                second[i] = -second[i];
            }
        }
    }
}
