using System.Globalization;

namespace Tether.Tokens;

/// <summary>Reads <c>Retry-After</c> (delta seconds or an HTTP date) as a delay from now, clamped to [0, 1 h].</summary>
public static class RetryAfterParser
{
    // RFC 9110's IMF-fixdate, and the obsolete RFC 850 and asctime forms it says to accept.
    private static readonly string[] HttpDateForms = ["r", "dddd, dd-MMM-yy HH:mm:ss 'GMT'", "ddd MMM d HH:mm:ss yyyy"];

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
        else if (DateTimeOffset.TryParseExact(value, HttpDateForms, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
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
