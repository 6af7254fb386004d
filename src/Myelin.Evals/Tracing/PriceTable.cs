using System.Collections.Frozen;
using System.Text.Json;
using Myelin.Core;

namespace Myelin.Evals.Tracing;

/// <summary>Model prices used to put a cost on each call: exact model names, or prefixes ending in <c>*</c>.</summary>
/// <remarks>
/// Immutable and thread-safe. Lookups ignore case; an exact name wins over a prefix, and a longer prefix over a shorter
/// one, so <c>gpt-4o-mini*</c> prices <c>gpt-4o-mini-2024-07-18</c> even when <c>gpt-4o*</c> is also listed.
/// </remarks>
public sealed class PriceTable
{
    private readonly FrozenDictionary<string, ModelPrice> _exact;
    private readonly KeyValuePair<string, ModelPrice>[] _prefixes;

    /// <summary>Creates a table from model name (or <c>prefix*</c>) to price.</summary>
    /// <exception cref="MyelinValidationException">A name is empty or a price is negative.</exception>
    public PriceTable(IEnumerable<KeyValuePair<string, ModelPrice>> prices)
    {
        ArgumentNullException.ThrowIfNull(prices);
        var exact = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);
        var prefixes = new List<KeyValuePair<string, ModelPrice>>();
        foreach ((string name, ModelPrice price) in prices)
        {
            Validate(name, price);
            if (name.EndsWith('*'))
            {
                prefixes.Add(new(name[..^1], price));
            }
            else
            {
                exact[name] = price;
            }
        }

        _exact = exact.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _prefixes = [.. prefixes.OrderByDescending(p => p.Key.Length)];
    }

    /// <summary>A table with no prices: every lookup misses.</summary>
    public static PriceTable Empty { get; } = new([]);

    /// <summary>Reads a table from JSON: <c>{"gpt-4o*": {"input": 2.5, "output": 10, "cachedInput": 1.25}}</c> (dollars per 1M tokens).</summary>
    /// <exception cref="MyelinValidationException">The JSON is malformed or a price is missing or negative.</exception>
    public static PriceTable Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new MyelinValidationException("invalid_price_table", "A price table is a JSON object from model name to price.");
            }

            var prices = new List<KeyValuePair<string, ModelPrice>>();
            foreach (JsonProperty model in document.RootElement.EnumerateObject())
            {
                prices.Add(new(model.Name, ReadPrice(model)));
            }

            return new PriceTable(prices);
        }
        catch (JsonException ex)
        {
            throw new MyelinValidationException("invalid_price_table", $"The price table is not valid JSON: {ex.Message}");
        }
    }

    /// <summary>Finds the price of <paramref name="model"/>; false when the table has none.</summary>
    public bool TryGetPrice(string? model, out ModelPrice price)
    {
        price = null!;
        if (string.IsNullOrEmpty(model))
        {
            return false;
        }

        if (_exact.TryGetValue(model, out ModelPrice? exact))
        {
            price = exact;
            return true;
        }

        foreach ((string prefix, ModelPrice candidate) in _prefixes)
        {
            if (model.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                price = candidate;
                return true;
            }
        }

        return false;
    }

    private static ModelPrice ReadPrice(JsonProperty model)
    {
        JsonElement value = model.Value;
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("input", out JsonElement input) || input.ValueKind != JsonValueKind.Number
            || !value.TryGetProperty("output", out JsonElement output) || output.ValueKind != JsonValueKind.Number)
        {
            throw new MyelinValidationException(
                "invalid_price_table", $"Price of '{model.Name}' needs numeric 'input' and 'output' (dollars per 1M tokens).");
        }

        decimal? cached = null;
        if (value.TryGetProperty("cachedInput", out JsonElement cachedInput))
        {
            if (cachedInput.ValueKind != JsonValueKind.Number)
            {
                throw new MyelinValidationException("invalid_price_table", $"'cachedInput' of '{model.Name}' must be a number.");
            }

            cached = cachedInput.GetDecimal();
        }

        return new ModelPrice(input.GetDecimal(), output.GetDecimal(), cached);
    }

    private static void Validate(string name, ModelPrice price)
    {
        if (string.IsNullOrWhiteSpace(name) || name == "*")
        {
            throw new MyelinValidationException("invalid_price_table", "A price table entry needs a model name or a 'prefix*'.");
        }

        ArgumentNullException.ThrowIfNull(price);
        if (price.InputPerMillion < 0 || price.OutputPerMillion < 0 || price.CachedInputPerMillion < 0)
        {
            throw new MyelinValidationException("invalid_price_table", $"Prices of '{name}' must not be negative.");
        }
    }
}
