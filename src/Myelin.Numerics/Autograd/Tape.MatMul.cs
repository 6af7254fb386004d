namespace Myelin.Numerics.Autograd;

public sealed partial class Tape
{
    /// <summary>
    /// Matrix product <c>op(a) · op(b)</c>. Without <paramref name="transposeA"/>, <paramref name="a"/> may have any
    /// rank ≥ 2: its leading dimensions are flattened into rows (<c>[..., k]</c> → <c>[..., n]</c>), which is how a
    /// linear layer applies to a batch of sequences.
    /// </summary>
    /// <param name="a">[m, k] (or [..., k]); stored [k, m] when <paramref name="transposeA"/>.</param>
    /// <param name="b">[k, n]; stored [n, k] when <paramref name="transposeB"/> (the layout of a PyTorch Linear weight).</param>
    /// <param name="transposeA">Use aᵀ.</param>
    /// <param name="transposeB">Use bᵀ.</param>
    /// <returns>[m, n] (or [..., n]).</returns>
    public Variable MatMul(Variable a, Variable b, bool transposeA = false, bool transposeB = false)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (b.Rank != 2 || a.Rank < 2 || (transposeA && a.Rank != 2))
        {
            throw new ArgumentException("MatMul needs a rank-2 b and a rank-2 a (or rank ≥ 2 when a is not transposed).");
        }

        int aCols = a.Size(-1);
        int aRows = a.Length / Math.Max(1, aCols);
        int m = transposeA ? aCols : aRows;
        int k = transposeA ? aRows : aCols;
        int kb = transposeB ? b.Size(1) : b.Size(0);
        int n = transposeB ? b.Size(0) : b.Size(1);
        if (k != kb)
        {
            throw new ArgumentException($"MatMul: inner dimensions differ ({k} vs {kb}).");
        }

        int[] shape = transposeA ? [m, n] : WithLast(a.Shape, n);
        bool track = Tracks(a, b);
        Variable c = NewVariable(shape, track);
        _k.Gemm(transposeA, transposeB, m, n, k, 1f, a.DataArray, aCols, b.DataArray, b.Size(1), 0f, c.DataArray, n);
        if (track)
        {
            Record(c, () => MatMulBackward(a, b, c, transposeA, transposeB, m, n, k));
        }

        return c;
    }

    private void MatMulBackward(Variable a, Variable b, Variable c, bool ta, bool tb, int m, int n, int k)
    {
        float[] dc = c.GradArray;
        int lda = a.Size(-1);
        int ldb = b.Size(1);
        if (a.RequiresGrad)
        {
            float[] da = GradOf(a);
            if (!ta)
            {
                // dA[m,k] = dC[m,n] · op(B)ᵀ
                _k.Gemm(false, !tb, m, k, n, 1f, dc, n, b.DataArray, ldb, 1f, da, lda);
            }
            else
            {
                // A stored [k,m]: dA = op(B) · dCᵀ
                _k.Gemm(tb, true, k, m, n, 1f, b.DataArray, ldb, dc, n, 1f, da, lda);
            }
        }

        if (b.RequiresGrad)
        {
            float[] db = GradOf(b);
            if (!tb)
            {
                // dB[k,n] = op(A)ᵀ · dC
                _k.Gemm(!ta, false, k, n, m, 1f, a.DataArray, lda, dc, n, 1f, db, ldb);
            }
            else
            {
                // B stored [n,k]: dB = dCᵀ · op(A)
                _k.Gemm(true, ta, n, k, m, 1f, dc, n, a.DataArray, lda, 1f, db, ldb);
            }
        }
    }
}
