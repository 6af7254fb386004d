namespace Myelin.Evals.Tracing;

/// <summary>Settings of <see cref="TracingChatClient"/>.</summary>
public sealed class TracingChatClientOptions
{
    /// <summary>
    /// The <c>gen_ai.provider.name</c> to report; when null, the inner client's <c>ChatClientMetadata.ProviderName</c>,
    /// and <c>unknown</c> when that is missing too.
    /// </summary>
    public string? ProviderName { get; set; }

    /// <summary>
    /// Whether message contents (<c>gen_ai.input.messages</c>, <c>gen_ai.output.messages</c>,
    /// <c>gen_ai.system_instructions</c>) are recorded. Off by default: prompts and answers often hold personal data.
    /// </summary>
    public bool EnableSensitiveData { get; set; }

    /// <summary>Prices used to add <c>myelin.cost.usd</c> to each call; no cost is recorded for models it lacks.</summary>
    public PriceTable Prices { get; set; } = PriceTable.Empty;
}
