namespace Myelin.Numerics.Autograd;

public sealed class LinearAlgebraGradientTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void MatMul_all_transpositions(bool ta, bool tb) => GradCheck.ForAll([1, 1, 1], [7, 7, 9], (d, seed) =>
    {
        int m = d[0], n = d[1], k = d[2];
        GradCheck.Run(
            seed,
            [ta ? [k, m] : [m, k], tb ? [n, k] : [k, n]],
            (t, v) => t.MatMul(v[0], v[1], ta, tb),
            x => Reference.MatMul(x[0], x[1], m, n, k, ta, tb));
    });

    [Fact]
    public void MatMul_flattens_leading_dimensions_of_a() => GradCheck.Run(
        7, [[2, 3, 4], [5, 4]], (t, v) => t.MatMul(v[0], v[1], transposeB: true), x => Reference.MatMul(x[0], x[1], 6, 5, 4, false, true));

    [Fact]
    public void MatMul_on_reference_kernels() => GradCheck.Run(
        8, [[3, 4], [4, 2]], (t, v) => t.MatMul(v[0], v[1]), x => Reference.MatMul(x[0], x[1], 3, 2, 4, false, false),
        kernels: Kernels.Reference);

    [Fact]
    public void Embedding_scatters_into_repeated_rows()
    {
        int[] ids = [2, 0, 2, 4, 1];
        GradCheck.Run(
            3, [[5, 3]], (t, v) => t.Embedding(v[0], ids),
            x => [.. ids.SelectMany(id => x[0][(id * 3)..((id * 3) + 3)])]);
    }

    [Fact]
    public void Attention_causal_with_grouped_query_heads() => GradCheck.ForAll([1, 1, 1, 1], [2, 5, 2, 2], (d, seed) =>
    {
        int batch = d[0], seq = d[1], kvHeads = d[2], group = d[3], heads = kvHeads * group, hd = 4;
        GradCheck.Run(
            seed,
            [[batch, seq, heads, hd], [batch, seq, kvHeads, hd], [batch, seq, kvHeads, hd]],
            (t, v) => t.Attention(v[0], v[1], v[2]),
            x => Reference.Attention(x[0], x[1], x[2], batch, seq, heads, kvHeads, hd, causal: true));
    }, maxTest: 8);

    [Fact]
    public void Attention_non_causal() => GradCheck.Run(
        11, [[2, 4, 2, 6], [2, 4, 1, 6], [2, 4, 1, 6]],
        (t, v) => t.Attention(v[0], v[1], v[2], causal: false),
        x => Reference.Attention(x[0], x[1], x[2], 2, 4, 2, 1, 6, causal: false));

    [Theory]
    [InlineData(RopeLayout.Interleaved)]
    [InlineData(RopeLayout.NeoX)]
    public void Rope_both_layouts(RopeLayout layout) => GradCheck.ForAll([1, 1, 1, 1], [2, 5, 3, 4], (d, seed) =>
    {
        int batch = d[0], seq = d[1], heads = d[2], hd = 2 * d[3];
        GradCheck.Run(
            seed, [[batch, seq, heads, hd]], (t, v) => t.Rope(v[0], 10000f, layout, positionOffset: 3),
            x => Reference.Rope(x[0], batch, seq, heads, hd, 10000, layout, 3));
    });
}
