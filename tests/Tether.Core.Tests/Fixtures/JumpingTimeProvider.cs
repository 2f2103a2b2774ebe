using Microsoft.Extensions.Time.Testing;

namespace Tether.Tests.Fixtures;

/// <summary>A fake clock whose wall clock can jump ahead of its monotonic clock, as after sleep and wake.</summary>
public sealed class JumpingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private TimeSpan _jump;

    public void JumpWallClock(TimeSpan by) => _jump += by;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _jump;
}
