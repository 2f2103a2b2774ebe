using Microsoft.Extensions.Time.Testing;

namespace Tether.Tests.Fixtures;

/// <summary>A fake clock whose wall clock can jump ahead of its monotonic clock, as after sleep and wake.</summary>
public sealed class JumpingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private TimeSpan _jump;

    public void JumpWallClock(TimeSpan by) => _jump += by;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _jump;

    // The monotonic clock stays on the fake time without the jump (FakeTimeProvider derives it from GetUtcNow, which
    // would carry the jump into it and hide it from whatever compares the two clocks).
    public override long GetTimestamp() => base.GetUtcNow().UtcTicks;
}
