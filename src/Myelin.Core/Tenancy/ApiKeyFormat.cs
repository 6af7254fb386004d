using System.Security.Cryptography;
using System.Text;

namespace Myelin.Core.Tenancy;

/// <summary>How API keys look and how they are hashed for storage; shared by every storage provider.</summary>
/// <remarks>
/// Generated keys are <c>myl_</c> followed by 43 base64url characters (256 random bits). Operator-chosen keys
/// (<c>MYELIN_ADMIN_KEY</c>) may be any printable ASCII text of 16 to 256 characters. Only the SHA-256 of the
/// full key is stored; because keys carry at least 96 bits of entropy a plain hash is enough, and lookups by hash
/// reveal nothing useful about other keys.
/// </remarks>
public static class ApiKeyFormat
{
    /// <summary>Prefix of generated keys.</summary>
    public const string Prefix = "myl_";

    /// <summary>Shortest accepted key.</summary>
    public const int MinLength = 16;

    /// <summary>Longest accepted key.</summary>
    public const int MaxLength = 256;

    /// <summary>Generates a new random key.</summary>
    public static string Generate()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Prefix + Base64Url(bytes);
    }

    /// <summary>Generates a short public key id (12 hex characters).</summary>
    public static string NewKeyId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    /// <summary>The key id used for an imported key: derived from its hash, so it is stable across restarts.</summary>
    public static string ImportedKeyId(string fullKey) => "imp" + Hash(fullKey)[..9];

    /// <summary>Whether the text could be a key (length and characters); says nothing about whether it exists.</summary>
    public static bool IsWellFormed(string? key)
    {
        if (key is null || key.Length is < MinLength or > MaxLength)
        {
            return false;
        }

        foreach (char c in key)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The lower-case hex SHA-256 of the key's UTF-8 bytes: what is stored.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
