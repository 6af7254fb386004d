using Myelin.Core.Log;

namespace Myelin.Core;

public sealed class LogQueryTests
{
    private static readonly DateTimeOffset s_now = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Defaults_AreValid()
    {
        var query = new LogQuery();

        query.Validate();
        Assert.Equal(100, query.Limit);
        Assert.Empty(query.Kinds);
        Assert.False(query.Descending);
    }

    [Fact]
    public void EdgeValues_AreValid()
    {
        new LogQuery { Limit = 1, BeforeOffset = 1, From = s_now, To = s_now }.Validate();
        new LogQuery { Limit = LogQuery.MaxLimit, Kinds = [ExperienceKinds.Span, "x.custom"] }.Validate();
    }

    public static TheoryData<LogQuery, string> Invalid => new()
    {
        { new LogQuery { AfterOffset = -1 }, "invalid_offset" },
        { new LogQuery { BeforeOffset = 0 }, "invalid_offset" },
        { new LogQuery { Limit = 0 }, "invalid_limit" },
        { new LogQuery { Limit = LogQuery.MaxLimit + 1 }, "invalid_limit" },
        { new LogQuery { From = s_now.AddTicks(1), To = s_now }, "invalid_time_range" },
        { new LogQuery { Kinds = ["span", "bogus"] }, "invalid_kind" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void MalformedQueries_AreRejected(LogQuery query, string code) =>
        Assert.Equal(code, Assert.Throws<MyelinValidationException>(query.Validate).Code);
}
