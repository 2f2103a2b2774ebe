using FsCheck;
using FsCheck.Fluent;
using Tether.Tokens;

namespace Tether.Tests.Tokens;

public sealed class BackoffTests
{
    private static readonly TimeSpan Initial = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Max = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 15)]
    [InlineData(3, 22.5)]
    [InlineData(4, 33.75)]
    [InlineData(5, 50.625)]
    [InlineData(9, 120)]
    public void ShortDelay_NoJitter_TenSecondsTimesOnePointFiveCappedAtTwoMinutes(int attempt, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Backoff.ShortDelay(attempt, Initial, Max, random: 0.5));

    [Theory]
    [InlineData(1, 30)]
    [InlineData(2, 60)]
    [InlineData(3, 120)]
    [InlineData(5, 480)]
    [InlineData(6, 600)]
    [InlineData(50, 600)]
    public void LongDelay_NoJitter_ThirtySecondsDoublingToTheTenMinuteCap(int attempt, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Backoff.LongDelay(attempt, TimeSpan.FromMinutes(10), random: 0.5));

    [Fact]
    public void LongDelay_CapBelowThirtySeconds_StartsAtTheCap() =>
        Assert.Equal(TimeSpan.FromSeconds(5), Backoff.LongDelay(1, TimeSpan.FromSeconds(5), 0.5));

    [FsCheck.Xunit.Property]
    public Property ShortDelay_AnyAttemptAndJitter_WithinHalfToOneAndAHalfOfTheBaseAndNeverAboveMax(PositiveInt attempt, NormalFloat unit)
    {
        var random = Math.Abs(unit.Get) % 1;
        var n = Math.Min(attempt.Get, 60);
        var baseSeconds = Math.Min(10 * Math.Pow(1.5, n - 1), 120);
        var delay = Backoff.ShortDelay(n, Initial, Max, random).TotalSeconds;
        return (delay >= (baseSeconds * 0.5) - 1e-6 && delay <= Math.Min(baseSeconds * 1.5, 120) + 1e-6).ToProperty();
    }

    [FsCheck.Xunit.Property]
    public Property LongDelay_AnyAttemptAndJitter_WithinTwentyPercentAndNeverAboveTheCap(PositiveInt attempt, NormalFloat unit)
    {
        var random = Math.Abs(unit.Get) % 1;
        var n = Math.Min(attempt.Get, 60);
        var baseSeconds = Math.Min(30 * Math.Pow(2, n - 1), 600);
        var delay = Backoff.LongDelay(n, TimeSpan.FromMinutes(10), random).TotalSeconds;
        return (delay >= (baseSeconds * 0.8) - 1e-6 && delay <= Math.Min(baseSeconds * 1.2, 600) + 1e-6).ToProperty();
    }

    [Theory]
    [InlineData(3600, 2880)]
    [InlineData(300, 240)]
    [InlineData(100, 50)]
    [InlineData(20, 10)]
    public void RefreshAt_Lifetime_EightyPercentAtLeastAMinuteBeforeExpiryNeverBeforeHalf(int lifetimeSeconds, int refreshAfterSeconds)
    {
        var issued = new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
        Assert.Equal(issued.AddSeconds(refreshAfterSeconds), Backoff.RefreshAt(issued, TimeSpan.FromSeconds(lifetimeSeconds), 0.8));
    }
}
