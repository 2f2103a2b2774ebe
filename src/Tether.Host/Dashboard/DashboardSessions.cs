using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Tether.Dashboard;

/// <summary>
/// One-time links and the sessions they open. A link's code is good once and for <see cref="LinkLifetime"/>: a
/// browser started with it on its command line (which other local users can read) has used it before anyone else
/// can, and a code taken first leaves the user with a refused page, not a silent second viewer.
/// </summary>
internal sealed class DashboardSessions(TimeProvider time)
{
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromSeconds(60);

    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(12);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _sessions = new(StringComparer.Ordinal);

    /// <summary>A new one-time code.</summary>
    public string NewCode()
    {
        var now = time.GetUtcNow();
        Sweep(_codes, now);
        var code = RandomToken();
        _codes[code] = now + LinkLifetime;
        return code;
    }

    /// <summary>Spends <paramref name="code"/> for a new session id; null when it is unknown, used or expired.</summary>
    public string? Exchange(string? code)
    {
        if (string.IsNullOrEmpty(code) || !_codes.TryRemove(code, out var expires) || time.GetUtcNow() >= expires)
        {
            return null;
        }

        var session = RandomToken();
        _sessions[session] = time.GetUtcNow() + SessionLifetime;
        return session;
    }

    /// <summary>Whether <paramref name="session"/> is a live session id.</summary>
    public bool IsValid(string? session)
    {
        if (string.IsNullOrEmpty(session) || !_sessions.TryGetValue(session, out var expires))
        {
            return false;
        }

        if (time.GetUtcNow() < expires)
        {
            return true;
        }

        _sessions.TryRemove(session, out _);
        return false;
    }

    private static void Sweep(ConcurrentDictionary<string, DateTimeOffset> entries, DateTimeOffset now)
    {
        foreach (var (key, expires) in entries)
        {
            if (now >= expires)
            {
                entries.TryRemove(key, out _);
            }
        }
    }

    private static string RandomToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
