namespace Tether.Tokens;

/// <summary>How a workload's tokens are kept alive. Each has an environment variable and a config-file key (see <see cref="TokenLifecycleSettings"/>).</summary>
public sealed record TokenLifecycleOptions
{
    /// <summary>The default of <see cref="RefreshInitialRetryInterval"/>.</summary>
    public static readonly TimeSpan DefaultRefreshInitialRetryInterval = TimeSpan.FromSeconds(10);

    /// <summary>The default of <see cref="RefreshMaxRetryInterval"/>.</summary>
    public static readonly TimeSpan DefaultRefreshMaxRetryInterval = TimeSpan.FromMinutes(2);

    /// <summary>The default of <see cref="RefreshMaxTries"/>.</summary>
    public const int DefaultRefreshMaxTries = 5;

    /// <summary>The default of <see cref="RefreshMaxElapsedTime"/>.</summary>
    public static readonly TimeSpan DefaultRefreshMaxElapsedTime = TimeSpan.FromMinutes(5);

    /// <summary>The default of <see cref="AuthRetryingTickInterval"/>.</summary>
    public static readonly TimeSpan DefaultAuthRetryingTickInterval = TimeSpan.FromMinutes(10);

    /// <summary>The default of <see cref="AuthRetryingMaxElapsed"/>.</summary>
    public static readonly TimeSpan DefaultAuthRetryingMaxElapsed = TimeSpan.FromHours(24);

    /// <summary>The default of <see cref="ProbeMinInterval"/>.</summary>
    public static readonly TimeSpan DefaultProbeMinInterval = TimeSpan.FromSeconds(5);

    /// <summary>The default of <see cref="RequestWait"/>.</summary>
    public static readonly TimeSpan DefaultRequestWait = TimeSpan.FromSeconds(10);

    /// <summary>The default of <see cref="RefreshAhead"/>.</summary>
    public const double DefaultRefreshAhead = 0.8;

    /// <summary>Refresh ahead of expiry at least this long before it (when the lifetime allows).</summary>
    public static readonly TimeSpan RefreshAheadMinMargin = TimeSpan.FromSeconds(60);

    /// <summary>The first delay of the long <c>auth_retrying</c> cadence (it doubles up to <see cref="AuthRetryingTickInterval"/>).</summary>
    public static readonly TimeSpan AuthRetryingInitialInterval = TimeSpan.FromSeconds(30);

    /// <summary>The longest a server's <c>Retry-After</c> may push the next attempt.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(1);

    /// <summary>Short retry: the first delay after a failed refresh ahead of expiry.</summary>
    /// <value>The default value is 10 seconds (<c>TETHER_TOKEN_REFRESH_INITIAL_RETRY_INTERVAL</c>).</value>
    public TimeSpan RefreshInitialRetryInterval { get; init; } = DefaultRefreshInitialRetryInterval;

    /// <summary>Short retry: the longest delay between two tries (the delay grows ×1.5 with ±50 % jitter).</summary>
    /// <value>The default value is 2 minutes (<c>TETHER_TOKEN_REFRESH_MAX_RETRY_INTERVAL</c>).</value>
    public TimeSpan RefreshMaxRetryInterval { get; init; } = DefaultRefreshMaxRetryInterval;

    /// <summary>Short retry: how many tries before the long cadence takes over.</summary>
    /// <value>The default value is 5 (<c>TETHER_TOKEN_REFRESH_MAX_TRIES</c>).</value>
    public int RefreshMaxTries { get; init; } = DefaultRefreshMaxTries;

    /// <summary>Short retry: how long in all before the long cadence takes over.</summary>
    /// <value>The default value is 5 minutes (<c>TETHER_TOKEN_REFRESH_MAX_ELAPSED_TIME</c>).</value>
    public TimeSpan RefreshMaxElapsedTime { get; init; } = DefaultRefreshMaxElapsedTime;

    /// <summary>The cap of the long cadence (30 s doubling, ±20 % jitter).</summary>
    /// <value>The default value is 10 minutes (<c>TETHER_TOKEN_AUTH_RETRYING_TICK_INTERVAL</c>).</value>
    public TimeSpan AuthRetryingTickInterval { get; init; } = DefaultAuthRetryingTickInterval;

    /// <summary>The ceiling: unbroken transient failure this long makes the workload <c>unauthenticated</c>.</summary>
    /// <value>The default value is 24 hours (<c>TETHER_TOKEN_AUTH_RETRYING_MAX_ELAPSED</c>).</value>
    public TimeSpan AuthRetryingMaxElapsed { get; init; } = DefaultAuthRetryingMaxElapsed;

    /// <summary>Probes (a request, a network change, a wake) try at once, but at most once per this interval.</summary>
    /// <value>The default value is 5 seconds (<c>TETHER_TOKEN_PROBE_MIN_INTERVAL</c>).</value>
    public TimeSpan ProbeMinInterval { get; init; } = DefaultProbeMinInterval;

    /// <summary>The longest a request waits for a refresh or a probe before it gets 503.</summary>
    /// <value>The default value is 10 seconds (<c>TETHER_TOKEN_REQUEST_WAIT</c>).</value>
    public TimeSpan RequestWait { get; init; } = DefaultRequestWait;

    /// <summary>The fraction of the access token's lifetime after which it is refreshed.</summary>
    /// <value>The default value is 0.8 (<c>TETHER_TOKEN_REFRESH_AHEAD</c>).</value>
    public double RefreshAhead { get; init; } = DefaultRefreshAhead;
}
