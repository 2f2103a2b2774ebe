namespace Tether.Tokens;

/// <summary>
/// One watch on the wall clock for a whole process: notices it jumping ahead of the monotonic clock (sleep and wake, a
/// clock set forward) and tells every registered engine, so that an idle engine parks until its next due time instead
/// of waking every few seconds to look at the clock itself.
/// </summary>
/// <remarks>
/// Its one timer runs only while an engine is registered. Listeners are called on the timer's thread, outside this
/// watcher's lock, and must be quick.
/// </remarks>
public sealed class ClockWatcher : IDisposable
{
    /// <summary>How often the clocks are compared.</summary>
    /// <value>The default value is 15 seconds.</value>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(15);

    /// <summary>How far ahead the wall clock must get to count as a jump (timers firing late is not one).</summary>
    /// <value>The default value is 10 seconds.</value>
    public static readonly TimeSpan JumpThreshold = TimeSpan.FromSeconds(10);

    private readonly object _lock = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private Action<TimeSpan>[] _listeners = [];
    private ITimer? _timer;
    private DateTimeOffset _lastWall;
    private long _lastTick;
    private bool _disposed;

    /// <summary>Creates a watcher; nothing runs until the first <see cref="Watch"/>.</summary>
    /// <param name="time">The clocks compared (wall and monotonic).</param>
    /// <param name="interval">How often they are compared; <see cref="DefaultInterval"/> when absent.</param>
    public ClockWatcher(TimeProvider time, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _interval = interval ?? DefaultInterval;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_interval, TimeSpan.Zero, nameof(interval));
    }

    /// <summary>How many listeners are registered.</summary>
    public int Watching
    {
        get
        {
            lock (_lock)
            {
                return _listeners.Length;
            }
        }
    }

    /// <summary>Calls <paramref name="onJump"/> with the size of each jump until the returned handle is disposed.</summary>
    public IDisposable Watch(Action<TimeSpan> onJump)
    {
        ArgumentNullException.ThrowIfNull(onJump);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _listeners = [.. _listeners, onJump];
            if (_timer is null)
            {
                _lastWall = _time.GetUtcNow();
                _lastTick = _time.GetTimestamp();
                _timer = _time.CreateTimer(static state => ((ClockWatcher)state!).Tick(), this, _interval, _interval);
            }
        }

        return new ClockWatchRegistration(this, onJump);
    }

    /// <summary>Stops the timer; registered listeners are no longer called.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _listeners = [];
            _timer?.Dispose();
            _timer = null;
        }
    }

    /// <summary>Removes one registration of <paramref name="onJump"/>; the last one out stops the timer.</summary>
    internal void Unwatch(Action<TimeSpan> onJump)
    {
        lock (_lock)
        {
            var index = Array.IndexOf(_listeners, onJump);
            if (index < 0)
            {
                return;
            }

            _listeners = [.. _listeners[..index], .. _listeners[(index + 1)..]];
            if (_listeners.Length == 0)
            {
                _timer?.Dispose();
                _timer = null;
            }
        }
    }

    private void Tick()
    {
        Action<TimeSpan>[] listeners;
        TimeSpan jump;
        lock (_lock)
        {
            if (_timer is null)
            {
                return;
            }

            var wall = _time.GetUtcNow();
            jump = wall - _lastWall - _time.GetElapsedTime(_lastTick);
            _lastWall = wall;
            _lastTick = _time.GetTimestamp();
            if (jump <= JumpThreshold)
            {
                return;
            }

            listeners = _listeners;
        }

        foreach (var listener in listeners)
        {
            listener(jump);
        }
    }
}
