using Tether.Tests.Fixtures;
using Tether.Tokens;

namespace Tether.Tests.Tokens;

/// <summary>The host's one watch on the wall clock: a jump ahead (sleep and wake) reaches every engine, nothing else does.</summary>
public sealed class ClockWatcherTests
{
    [Fact]
    public void Watch_WallClockJumpsAhead_EveryListenerToldOnceWithTheJump()
    {
        var time = new JumpingTimeProvider(EngineHarness.Start);
        using var watcher = new ClockWatcher(time);
        var first = new List<TimeSpan>();
        var second = new List<TimeSpan>();
        using var a = watcher.Watch(first.Add);
        using var b = watcher.Watch(second.Add);

        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Empty(first);
        time.JumpWallClock(TimeSpan.FromHours(8));
        time.Advance(ClockWatcher.DefaultInterval);
        time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal([TimeSpan.FromHours(8)], first);
        Assert.Equal([TimeSpan.FromHours(8)], second);
    }

    [Fact]
    public void Watch_SmallJump_NotAJump()
    {
        var time = new JumpingTimeProvider(EngineHarness.Start);
        using var watcher = new ClockWatcher(time);
        var jumps = new List<TimeSpan>();
        using var watch = watcher.Watch(jumps.Add);

        time.JumpWallClock(ClockWatcher.JumpThreshold);
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.Empty(jumps);
    }

    [Fact]
    public void Dispose_Unwatched_NoLongerToldAndTheLastOneOutStopsTheWatch()
    {
        var time = new JumpingTimeProvider(EngineHarness.Start);
        using var watcher = new ClockWatcher(time);
        var gone = new List<TimeSpan>();
        var staying = new List<TimeSpan>();
        var a = watcher.Watch(gone.Add);
        var b = watcher.Watch(staying.Add);

        a.Dispose();
        a.Dispose();
        time.JumpWallClock(TimeSpan.FromHours(1));
        time.Advance(ClockWatcher.DefaultInterval);
        b.Dispose();

        Assert.Empty(gone);
        Assert.Single(staying);
        Assert.Equal(0, watcher.Watching);
    }

    [Fact]
    public async Task StopAsync_Engines_UnwatchTheHostsWatcher()
    {
        var time = new JumpingTimeProvider(EngineHarness.Start);
        using var watcher = new ClockWatcher(time);
        await using var h = new EngineHarness(EngineHarness.Tokens("at-1", "rt-1", TimeSpan.FromHours(1)), time: time, clockWatcher: watcher);
        await h.Engine.StartAsync(default);
        Assert.Equal(1, watcher.Watching);

        await h.Engine.StopAsync();

        Assert.Equal(0, watcher.Watching);
    }
}
