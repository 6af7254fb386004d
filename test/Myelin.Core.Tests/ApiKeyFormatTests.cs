using Myelin.Core.Tenancy;

namespace Myelin.Core;

public sealed class ApiKeyFormatTests
{
    [Fact]
    public void GeneratedKeys_AreWellFormedUniqueAndUrlSafe()
    {
        string[] keys = [.. Enumerable.Range(0, 100).Select(_ => ApiKeyFormat.Generate())];

        Assert.Equal(100, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.All(keys, key =>
        {
            Assert.StartsWith(ApiKeyFormat.Prefix, key, StringComparison.Ordinal);
            Assert.Equal(ApiKeyFormat.Prefix.Length + 43, key.Length);
            Assert.True(ApiKeyFormat.IsWellFormed(key));
            Assert.True(key.AsSpan(ApiKeyFormat.Prefix.Length).IndexOfAnyExcept(
                "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") < 0);
        });
    }

    [Fact]
    public void Hash_IsLowerHexSha256OfTheUtf8Key()
    {
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ApiKeyFormat.Hash("abc"));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("fifteen-chars-x", false)]
    [InlineData("sixteen-chars-xx", true)]
    [InlineData("with space inside", false)]
    [InlineData("tab\tinside-the-key", false)]
    [InlineData("non-ascii-\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9", false)]
    [InlineData("!~printable~ascii~!", true)]
    public void IsWellFormed_ChecksLengthAndCharacters(string? key, bool expected) =>
        Assert.Equal(expected, ApiKeyFormat.IsWellFormed(key));

    [Fact]
    public void LengthLimits_AreInclusive()
    {
        Assert.True(ApiKeyFormat.IsWellFormed(new string('k', ApiKeyFormat.MaxLength)));
        Assert.False(ApiKeyFormat.IsWellFormed(new string('k', ApiKeyFormat.MaxLength + 1)));
    }

    [Fact]
    public void KeyIds_AreShortAndImportedIdsAreStable()
    {
        Assert.Matches("^[0-9a-f]{12}$", ApiKeyFormat.NewKeyId());
        Assert.Equal(ApiKeyFormat.ImportedKeyId("operator-key-0000001"), ApiKeyFormat.ImportedKeyId("operator-key-0000001"));
        Assert.NotEqual(ApiKeyFormat.ImportedKeyId("operator-key-0000001"), ApiKeyFormat.ImportedKeyId("operator-key-0000002"));
        Assert.Matches("^imp[0-9a-f]{9}$", ApiKeyFormat.ImportedKeyId("operator-key-0000001"));
    }
}
