using Myelin.Core.Log;

namespace Myelin.Core;

public sealed class ExperienceKindsTests
{
    [Fact]
    public void BuiltInKinds_AreValid()
    {
        Assert.Equal(9, ExperienceKinds.BuiltIn.Count);
        Assert.All(ExperienceKinds.BuiltIn, kind => Assert.True(ExperienceKinds.IsValid(kind)));
    }

    [Theory]
    [InlineData("x.billing")]
    [InlineData("x.a")]
    [InlineData("x.my-app.event_2")]
    public void CustomKinds_WithThePrefix_AreValid(string kind) => Assert.True(ExperienceKinds.IsValid(kind));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("x.")]
    [InlineData("Span")]
    [InlineData("spans")]
    [InlineData("billing")]
    [InlineData("x.Billing")]
    [InlineData("x.bill ing")]
    [InlineData("y.billing")]
    public void OtherKinds_AreInvalid(string? kind) => Assert.False(ExperienceKinds.IsValid(kind));

    [Fact]
    public void CustomKinds_AreAtMost64Characters()
    {
        Assert.True(ExperienceKinds.IsValid("x." + new string('a', 62)));
        Assert.False(ExperienceKinds.IsValid("x." + new string('a', 63)));
    }
}
