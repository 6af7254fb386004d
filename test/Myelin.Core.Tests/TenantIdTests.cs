namespace Myelin.Core;

public sealed class TenantIdTests
{
    [Theory]
    [InlineData("default")]
    [InlineData("a")]
    [InlineData("0-team_1")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789-_abcdefghijklmnopqrstuvwxyz")]
    public void ValidIds_AreAccepted(string value)
    {
        Assert.True(TenantId.IsValid(value));
        Assert.Equal(value, new TenantId(value).Value);
        Assert.Equal(value, new TenantId(value).ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-leading")]
    [InlineData("_leading")]
    [InlineData("Upper")]
    [InlineData("has space")]
    [InlineData("dot.ted")]
    [InlineData("\u00e9t\u00e9")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789-_abcdefghijklmnopqrstuvwxyz0")]
    public void InvalidIds_AreRejectedWithACode(string? value)
    {
        Assert.False(TenantId.IsValid(value));
        MyelinValidationException error = Assert.Throws<MyelinValidationException>(() => new TenantId(value!));
        Assert.Equal("invalid_tenant", error.Code);
    }

    [Fact]
    public void Ids_CompareByValue()
    {
        Assert.Equal(new TenantId("x"), new TenantId("x"));
        Assert.NotEqual(new TenantId("x"), new TenantId("y"));
        Assert.Equal("default", TenantId.Default.Value);
    }
}
