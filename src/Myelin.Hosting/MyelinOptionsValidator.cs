using Microsoft.Extensions.Options;
using Myelin.Core.Tenancy;

namespace Myelin.Hosting;

/// <summary>Checks <see cref="MyelinOptions"/> at start and names each bad value.</summary>
public sealed class MyelinOptionsValidator : IValidateOptions<MyelinOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, MyelinOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add("DataDirectory must be a directory path (--data).");
        }

        if (options.PostgresConnectionString is { } cs && string.IsNullOrWhiteSpace(cs))
        {
            failures.Add("PostgresConnectionString must not be blank when given (--postgres).");
        }

        if (options.AdminKey is { } key && !ApiKeyFormat.IsWellFormed(key))
        {
            failures.Add($"MYELIN_ADMIN_KEY must be {ApiKeyFormat.MinLength}-{ApiKeyFormat.MaxLength} printable ASCII characters without spaces.");
        }

        if (options.MaxRequestBodyBytes is < 1024 or > (1L << 32))
        {
            failures.Add("MaxRequestBodyBytes must be between 1 KiB and 4 GiB.");
        }

        if (options.RateLimitPerSecond < 1 || options.RateLimitBurst < 1)
        {
            failures.Add("RateLimitPerSecond and RateLimitBurst must be at least 1.");
        }

        if (options.PrefixCacheTokens is < 0 or > 16_777_216)
        {
            failures.Add("PrefixCacheTokens must be between 0 and 16777216 (--prefix-cache-tokens).");
        }

        if (options.KvDiskCacheMegabytes < 0)
        {
            failures.Add("KvDiskCacheMegabytes must be 0 or more (--kv-disk-cache-mb).");
        }

        foreach (string path in options.ModelPaths)
        {
            if (!File.Exists(path))
            {
                failures.Add($"Model file '{path}' does not exist (--model).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
