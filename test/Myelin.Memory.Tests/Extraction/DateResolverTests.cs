using Myelin.Memory.Internal;

namespace Myelin.Memory.Extraction;

public sealed class DateResolverTests
{
    // A Wednesday.
    private static readonly DateTimeOffset s_now = new(2025, 3, 12, 15, 30, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("see you tomorrow", "2025-03-13")]
    [InlineData("I did it yesterday", "2025-03-11")]
    [InlineData("we fly next Friday", "2025-03-14")]
    [InlineData("since last Monday", "2025-03-10")]
    [InlineData("on Wednesday", "2025-03-19")]
    [InlineData("moved here 3 weeks ago", "2025-02-19")]
    [InlineData("in 10 days", "2025-03-22")]
    [InlineData("next month", "2025-04-12")]
    [InlineData("on April 2nd", "2025-04-02")]
    [InlineData("the 5th of May, 2026", "2026-05-05")]
    [InlineData("by 2025-12-01", "2025-12-01")]
    public void Resolves_against_the_reference_time(string text, string expected)
    {
        DateTimeOffset? resolved = DateResolver.Resolve(text, s_now);

        Assert.Equal(DateTimeOffset.Parse(expected + "T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), resolved);
    }

    [Theory]
    [InlineData("no date here")]
    [InlineData("February 30")]
    public void Returns_null_without_a_valid_date(string text)
    {
        Assert.Null(DateResolver.Resolve(text, s_now));
    }
}
