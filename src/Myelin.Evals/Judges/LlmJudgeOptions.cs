using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Myelin.Evals.Judges;

/// <summary>Settings of an <see cref="LlmJudge"/>.</summary>
public sealed class LlmJudgeOptions
{
    /// <summary>The judge model id (sent as <see cref="ChatOptions.ModelId"/> and part of the cache key); null to use the client's default model.</summary>
    public string? ModelId { get; set; }

    /// <summary>Verdict cache; null for none (every judging calls the model).</summary>
    public IJudgeCache? Cache { get; set; }

    /// <summary>Logger factory for retry and failure messages; null for none.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }
}
