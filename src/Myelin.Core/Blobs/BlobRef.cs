namespace Myelin.Core.Blobs;

/// <summary>A stored blob: its SHA-256 (lower-case hex) and length in bytes.</summary>
public readonly record struct BlobRef(string Sha256, long Length)
{
    /// <summary>Whether <paramref name="sha256"/> is 64 lower-case hex characters.</summary>
    public static bool IsValidHash(string? sha256)
    {
        if (sha256 is null || sha256.Length != 64)
        {
            return false;
        }

        foreach (char c in sha256)
        {
            if (!(char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }
}
