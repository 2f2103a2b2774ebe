using Tether.Tokens;

namespace Tether.Tests.Tokens;

public sealed class RetryAfterParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("0", 0)]
    [InlineData("7", 7)]
    [InlineData(" 120 ", 120)]
    [InlineData("3600", 3600)]
    [InlineData("99999", 3600)]
    public void Parse_Seconds_DelayClampedToAnHour(string value, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryAfterParser.Parse(value, Now));

    [Fact]
    public void Parse_HttpDate_DelayFromNow() =>
        Assert.Equal(TimeSpan.FromSeconds(90), RetryAfterParser.Parse("Sun, 01 Mar 2026 08:01:30 GMT", Now));

    [Fact]
    public void Parse_HttpDateInThePast_Zero() =>
        Assert.Equal(TimeSpan.Zero, RetryAfterParser.Parse("Sun, 01 Mar 2026 07:00:00 GMT", Now));

    [Fact]
    public void Parse_HttpDateFarAhead_ClampedToAnHour() =>
        Assert.Equal(TimeSpan.FromHours(1), RetryAfterParser.Parse("Mon, 02 Mar 2026 08:00:00 GMT", Now));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-5")]
    [InlineData("1.5")]
    public void Parse_Unreadable_Null(string? value) => Assert.Null(RetryAfterParser.Parse(value, Now));
}
