namespace Tether.Tokens;

/// <summary>One registration with a <see cref="ClockWatcher"/>; disposing it unregisters (once).</summary>
internal sealed class ClockWatchRegistration(ClockWatcher watcher, Action<TimeSpan> onJump) : IDisposable
{
    private int _disposed;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            watcher.Unwatch(onJump);
        }
    }
}
