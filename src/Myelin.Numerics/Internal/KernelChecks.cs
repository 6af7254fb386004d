namespace Myelin.Numerics.Internal;

/// <summary>Argument validation shared by every <see cref="IKernels"/> implementation.</summary>
internal static class KernelChecks
{
    public static void Gemm(bool ta, bool tb, int m, int n, int k, int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfLessThan(lda, Math.Max(1, ta ? m : k), nameof(lda));
        ArgumentOutOfRangeException.ThrowIfLessThan(ldb, Math.Max(1, tb ? k : n), nameof(ldb));
        ArgumentOutOfRangeException.ThrowIfLessThan(ldc, Math.Max(1, n), nameof(ldc));
        Matrix(aLength, ta ? k : m, ta ? m : k, lda, "a");
        Matrix(bLength, tb ? n : k, tb ? k : n, ldb, "b");
        Matrix(cLength, m, n, ldc, "c");
    }

    public static void Matrix(int spanLength, int rows, int cols, int ld, string name)
    {
        if (rows > 0 && cols > 0)
        {
            ThrowHelper.CheckLength(spanLength, ((long)(rows - 1) * ld) + cols, name);
        }
    }

    public static void Same(int xLength, int yLength, string name)
    {
        if (xLength != yLength)
        {
            ThrowHelper.ThrowArgument("Spans must have equal lengths.", name);
        }
    }

    public static void Rows(int xLength, int rows, int cols, int destinationLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        ThrowHelper.CheckLength(xLength, (long)rows * cols, "x");
        ThrowHelper.CheckLength(destinationLength, (long)rows * cols, "destination");
    }

    public static void Attention(int qLength, int kLength, int vLength, in AttentionShape s, int outputLength)
    {
        s.Validate();
        long qSize = (long)s.QueryLength * s.Heads * s.HeadDim;
        long kvSize = (long)s.KvLength * s.KvHeads * s.HeadDim;
        ThrowHelper.CheckLength(qLength, qSize, "q");
        ThrowHelper.CheckLength(kLength, kvSize, "k");
        ThrowHelper.CheckLength(vLength, kvSize, "v");
        ThrowHelper.CheckLength(outputLength, qSize, "output");
    }

    /// <summary>Validates a quantised matrix-matrix product and returns the blocks per row.</summary>
    public static int MatMul(int wLength, int xLength, int rows, int tokens, int yLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        if (tokens == 0)
        {
            return 0;
        }

        if (xLength % tokens != 0)
        {
            ThrowHelper.ThrowArgument("x must hold the same number of blocks for every token.", "x");
        }

        int blocks = xLength / tokens;
        ThrowHelper.CheckLength(wLength, (long)rows * blocks, "w");
        ThrowHelper.CheckLength(yLength, (long)rows * tokens, "y");
        return blocks;
    }

    public static void MatVec(int wLength, int xLength, int rows, int yLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ThrowHelper.CheckLength(wLength, (long)rows * xLength, "w");
        ThrowHelper.CheckLength(yLength, rows, "y");
    }
}
