using Myelin.Core;

namespace Myelin.Evals.Tracing;

public sealed class PriceTableTests
{
    [Fact]
    public void Exact_beats_prefix_and_longer_prefix_beats_shorter()
    {
        PriceTable table = PriceTable.Parse("""
            { "gpt-4o*": {"input": 2.5, "output": 10}, "gpt-4o-mini*": {"input": 0.15, "output": 0.6, "cachedInput": 0.075},
              "gpt-4o-special": {"input": 1, "output": 1} }
            """);

        Assert.True(table.TryGetPrice("gpt-4o-mini-2024-07-18", out ModelPrice mini));
        Assert.Equal(0.15m, mini.InputPerMillion);
        Assert.True(table.TryGetPrice("GPT-4O-2024-08-06", out ModelPrice big));
        Assert.Equal(2.5m, big.InputPerMillion);
        Assert.True(table.TryGetPrice("gpt-4o-special", out ModelPrice special));
        Assert.Equal(1m, special.OutputPerMillion);
        Assert.False(table.TryGetPrice("llama-3", out _));
        Assert.False(table.TryGetPrice(null, out _));
    }

    [Fact]
    public void Cached_tokens_are_part_of_input_and_priced_separately()
    {
        var price = new ModelPrice(3m, 15m, 0.3m);
        Assert.Equal(((800 * 3m) + (200 * 0.3m) + (100 * 15m)) / 1_000_000m, price.Cost(1000, 100, 200));
        Assert.Equal((1000 * 1m) / 1_000_000m, new ModelPrice(1m, 0m).Cost(1000, 0, 500));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"m\": {\"input\": 1}}")]
    [InlineData("{\"m\": {\"input\": -1, \"output\": 1}}")]
    [InlineData("{\"m\": {\"input\": 1, \"output\": 1, \"cachedInput\": \"x\"}}")]
    [InlineData("{\"*\": {\"input\": 1, \"output\": 1}}")]
    [InlineData("{not json")]
    public void Bad_tables_are_rejected_with_a_clear_error(string json)
    {
        MyelinValidationException ex = Assert.Throws<MyelinValidationException>(() => PriceTable.Parse(json));
        Assert.Equal("invalid_price_table", ex.Code);
    }
}
