using System.Globalization;

namespace Tether.Tokens;

/// <summary>Reads <c>Retry-After</c> (delta seconds or an HTTP date) as a delay from now, clamped to [0, 1 h].</summary>
public static class RetryAfterParser
{
    /// <summary>The delay <paramref name="value"/> asks for, or <see langword="null"/> when it is absent or unreadable.</summary>
    public static TimeSpan? Parse(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        value = value.Trim();
        TimeSpan delay;
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            delay = seconds > TokenLifecycleOptions.MaxRetryAfter.TotalSeconds ? TokenLifecycleOptions.MaxRetryAfter : TimeSpan.FromSeconds(seconds);
        }
        else if (DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            || DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date))
        {
            delay = date - now;
        }
        else
        {
            return null;
        }

        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay > TokenLifecycleOptions.MaxRetryAfter ? TokenLifecycleOptions.MaxRetryAfter : delay;
    }
}
