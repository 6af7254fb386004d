namespace Myelin.Evals.Monitoring;

public sealed class CohensKappaTests
{
    [Fact]
    public void Two_by_two_table_matches_the_hand_computed_value()
    {
        // 50 items: yes/yes 20, yes/no 5, no/yes 10, no/no 15.
        // p_o = 35/50 = 0.7; A says yes 25/50, B says yes 30/50: p_e = 0.5*0.6 + 0.5*0.4 = 0.5; κ = (0.7-0.5)/(1-0.5) = 0.4.
        List<(string, string)> pairs = [.. Repeat("yes", "yes", 20), .. Repeat("yes", "no", 5), .. Repeat("no", "yes", 10), .. Repeat("no", "no", 15)];

        Agreement agreement = CohensKappa.Compute(pairs);

        Assert.Equal(50, agreement.Pairs);
        Assert.Equal(0.7, agreement.Observed, 12);
        Assert.Equal(0.5, agreement.Expected, 12);
        Assert.Equal(0.4, agreement.Kappa!.Value, 12);
        Assert.Equal(["no", "yes"], agreement.Labels);
    }

    [Fact]
    public void Three_labels_match_the_hand_computed_value()
    {
        // Rows A, columns B over {a, b, c}: a: 5 1 0 | b: 2 4 1 | c: 0 1 6 (n = 20, 15 on the diagonal).
        // p_o = 0.75. A: a 6, b 7, c 7. B: a 7, b 6, c 7. p_e = (42 + 42 + 49) / 400 = 0.3325.
        // κ = (0.75 - 0.3325) / 0.6675 = 0.625468164794...
        List<(string, string)> pairs =
        [
            .. Repeat("a", "a", 5), .. Repeat("a", "b", 1),
            .. Repeat("b", "a", 2), .. Repeat("b", "b", 4), .. Repeat("b", "c", 1),
            .. Repeat("c", "b", 1), .. Repeat("c", "c", 6),
        ];

        Agreement agreement = CohensKappa.Compute(pairs);

        Assert.Equal(0.75, agreement.Observed, 12);
        Assert.Equal(0.3325, agreement.Expected, 12);
        Assert.Equal(0.4175 / 0.6675, agreement.Kappa!.Value, 12);
    }

    [Fact]
    public void Perfect_agreement_is_one_and_perfect_balanced_disagreement_is_minus_one()
    {
        Assert.Equal(1.0, CohensKappa.Compute([("pass", "pass"), ("fail", "fail"), ("pass", "pass")]).Kappa!.Value, 12);

        // p_o = 0, p_e = 0.5*0.5 + 0.5*0.5 = 0.5: κ = -1.
        Assert.Equal(-1.0, CohensKappa.Compute([("pass", "fail"), ("fail", "pass")]).Kappa!.Value, 12);
    }

    [Fact]
    public void Chance_level_agreement_is_zero()
    {
        // A always says pass; B is split: p_o = 0.5, p_e = 1*0.5 = 0.5, κ = 0.
        Agreement agreement = CohensKappa.Compute([("pass", "pass"), ("pass", "fail"), ("pass", "pass"), ("pass", "fail")]);
        Assert.Equal(0.0, agreement.Kappa!.Value, 12);
    }

    [Fact]
    public void Degenerate_inputs_have_no_kappa()
    {
        Agreement empty = CohensKappa.Compute([]);
        Assert.Equal(0, empty.Pairs);
        Assert.Null(empty.Kappa);

        // Both raters used one and the same label: p_o = p_e = 1, κ = 0/0.
        Agreement single = CohensKappa.Compute([("ok", "ok"), ("ok", "ok"), ("ok", "ok")]);
        Assert.Equal(1.0, single.Observed);
        Assert.Equal(1.0, single.Expected);
        Assert.Null(single.Kappa);

        // One pair that disagrees: p_o = 0, p_e = 0, κ = 0.
        Assert.Equal(0.0, CohensKappa.Compute([("a", "b")]).Kappa!.Value, 12);
    }

    [Fact]
    public void Labels_compare_exactly()
    {
        Assert.Equal(0, CohensKappa.Compute([("Pass", "pass")]).Observed);
    }

    private static IEnumerable<(string, string)> Repeat(string a, string b, int count) => Enumerable.Repeat((a, b), count);
}
