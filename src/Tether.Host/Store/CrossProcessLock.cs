namespace Tether.Store;

/// <summary>
/// An exclusive OS file lock (<see cref="FileShare.None"/>: <c>flock</c> on Unix, a share-mode lock on Windows), held
/// while the returned stream is open and released by the OS if the process dies.
/// </summary>
internal static class CrossProcessLock
{
    /// <summary>The first back-off between attempts.</summary>
    public static readonly TimeSpan InitialDelay = TimeSpan.FromMilliseconds(5);

    /// <summary>The longest back-off between attempts.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>Takes the lock, retrying with a short bounded back-off until <paramref name="cancellationToken"/> fires.</summary>
    public static async ValueTask<(FileStream Lock, int Attempts)> AcquireAsync(
        string path, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var delay = InitialDelay;
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TryAcquire(path) is { } stream)
            {
                return (stream, attempt);
            }

            await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
        }
    }

    /// <summary>Takes the lock if free, else <see langword="null"/>.</summary>
    public static FileStream? TryAcquire(string path)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = Configuration.TetherPaths.PrivateFileMode;
        }

        try
        {
            return new FileStream(path, options);
        }
        catch (IOException)
        {
            // Held by another process (or another open file description in this one).
            return null;
        }
        catch (UnauthorizedAccessException) when (OperatingSystem.IsWindows())
        {
            return null;
        }
    }
}
