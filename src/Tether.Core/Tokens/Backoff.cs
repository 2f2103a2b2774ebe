namespace Tether.Tokens;

/// <summary>The retry delays, as pure functions with the randomness passed in (a value in [0, 1)).</summary>
public static class Backoff
{
    /// <summary>The short retry's growth factor.</summary>
    public const double ShortMultiplier = 1.5;

    /// <summary>The short retry's jitter: ±50 %.</summary>
    public const double ShortJitter = 0.5;

    /// <summary>The long cadence's jitter: ±20 %.</summary>
    public const double LongJitter = 0.2;

    /// <summary>
    /// The delay before short-retry try <paramref name="attempt"/> (1 = the first retry): initial × 1.5^(attempt-1),
    /// at most <paramref name="max"/>, then ±50 % jitter, never above <paramref name="max"/>.
    /// </summary>
    public static TimeSpan ShortDelay(int attempt, TimeSpan initial, TimeSpan max, double random) =>
        Jitter(Grow(initial, ShortMultiplier, attempt, max), ShortJitter, random, max);

    /// <summary>
    /// The delay before long-cadence attempt <paramref name="attempt"/> (1 = the first): 30 s doubling up to
    /// <paramref name="cap"/>, then ±20 % jitter, never above <paramref name="cap"/>.
    /// </summary>
    public static TimeSpan LongDelay(int attempt, TimeSpan cap, double random)
    {
        var initial = TokenLifecycleOptions.AuthRetryingInitialInterval < cap ? TokenLifecycleOptions.AuthRetryingInitialInterval : cap;
        return Jitter(Grow(initial, 2, attempt, cap), LongJitter, random, cap);
    }

    /// <summary>When to refresh a token issued at <paramref name="issuedAt"/> for <paramref name="lifetime"/>.</summary>
    /// <remarks>
    /// At <paramref name="fraction"/> of the lifetime and at least a minute before expiry; for lifetimes too short for
    /// that minute, never before half the lifetime (a refresh loop on a 30 s token helps nobody).
    /// </remarks>
    public static DateTimeOffset RefreshAt(DateTimeOffset issuedAt, TimeSpan lifetime, double fraction)
    {
        var ahead = lifetime * fraction;
        var margin = lifetime - TokenLifecycleOptions.RefreshAheadMinMargin;
        if (margin < ahead)
        {
            ahead = margin;
        }

        var floor = lifetime / 2;
        return issuedAt + (ahead < floor ? floor : ahead);
    }

    private static TimeSpan Grow(TimeSpan initial, double factor, int attempt, TimeSpan max)
    {
        var ticks = initial.Ticks * Math.Pow(factor, Math.Max(0, attempt - 1));
        return ticks >= max.Ticks ? max : TimeSpan.FromTicks((long)ticks);
    }

    private static TimeSpan Jitter(TimeSpan delay, double spread, double random, TimeSpan max)
    {
        var factor = 1 + spread * ((2 * random) - 1);
        var ticks = delay.Ticks * factor;
        return ticks >= max.Ticks ? max : TimeSpan.FromTicks(Math.Max(0, (long)ticks));
    }
}
