namespace Myelin.Hosting;

/// <summary>Settings of a Myelin installation: where data lives and the limits the server enforces.</summary>
/// <remarks>Validated at start by <see cref="MyelinOptionsValidator"/>; an invalid value stops the start with a message naming it.</remarks>
public sealed class MyelinOptions
{
    /// <summary>The data directory: SQLite database and blobs. Default <c>./.myelin</c>.</summary>
    public string DataDirectory { get; set; } = ".myelin";

    /// <summary>When set, the stores use PostgreSQL at this connection string (blobs stay under <see cref="DataDirectory"/>).</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>The bootstrap admin key (from <c>MYELIN_ADMIN_KEY</c>); when null, first start creates one and prints it once.</summary>
    public string? AdminKey { get; set; }

    /// <summary>Largest request body accepted, in bytes. Default 16 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 16L << 20;

    /// <summary>GGUF model files the server loads and serves on its OpenAI-compatible API (<c>--model</c>, repeatable).</summary>
    public IList<string> ModelPaths { get; } = [];

    /// <summary>Tokens of KV each served model keeps in its prefix cache (0 turns prefix reuse off; <c>--prefix-cache-tokens</c>).</summary>
    public int PrefixCacheTokens { get; set; } = 16384;

    /// <summary>
    /// Whether served models read their weights in place from the memory-mapped file (<c>--mmap</c>) instead of copying
    /// them into memory at load (the default, which decodes faster; see the inference engine's weight placement).
    /// </summary>
    public bool MapModelWeights { get; set; }

    /// <summary>Disk budget (MiB) of the KV tier under <c>{data}/kv-cache</c> that keeps evicted prefixes across restarts (0 turns it off).</summary>
    public int KvDiskCacheMegabytes { get; set; } = 2048;

    /// <summary>
    /// Whether alert webhooks may reach private addresses (loopback, RFC 1918, unique-local, carrier-grade NAT,
    /// link-local; <c>--allow-private-webhooks</c>). Off by default: any writer key can set a webhook, so with this on a
    /// tenant can make the server call hosts on its own network. Cloud metadata endpoints stay blocked either way.
    /// </summary>
    public bool AllowPrivateWebhookTargets { get; set; }

    /// <summary>Requests per second each tenant may make on average.</summary>
    public int RateLimitPerSecond { get; set; } = 500;

    /// <summary>Requests a tenant may burst above its average rate.</summary>
    public int RateLimitBurst { get; set; } = 1000;
}
