namespace Tether.Tokens;

public sealed partial class TokenLifecycle
{
    /// <summary>When the next token-endpoint attempt is due, if one is scheduled.</summary>
    public DateTimeOffset? NextAttemptAt
    {
        get
        {
            lock (_lock)
            {
                return _nextAttemptAt;
            }
        }
    }

    /// <summary>When the current access token expires, if known.</summary>
    public DateTimeOffset? AccessTokenExpiresAt
    {
        get
        {
            lock (_lock)
            {
                return _tokens?.ExpiresAt;
            }
        }
    }

    /// <summary>The outcome of the last failed attempt of the current failure streak, if any.</summary>
    public TokenEndpointOutcome? LastFailure
    {
        get
        {
            lock (_lock)
            {
                return _lastFailure;
            }
        }
    }

    /// <summary>
    /// Whether the authorization server refused a refresh while the access token still works: the workload serves
    /// until expiry (status <c>running</c>) but needs a sign-in, so its health is <c>degraded</c>.
    /// </summary>
    public bool RefreshRefused
    {
        get
        {
            lock (_lock)
            {
                return _phase == EnginePhase.Refused;
            }
        }
    }

    /// <summary>Where the monitor sleeps until, and how often it went to sleep: lets tests step a fake clock deterministically.</summary>
    internal (DateTimeOffset? Until, int Count, bool Stopped) MonitorPark
    {
        get
        {
            lock (_lock)
            {
                return (_parkedUntil, _parks, _phase == EnginePhase.Stopped);
            }
        }
    }
}
