using Microsoft.Extensions.Logging;
using Tether.Configuration;
using Tether.Workloads;

namespace Tether.Tokens;

/// <summary>
/// Keeps one workload's OAuth tokens alive: refresh ahead of expiry, short retry, the <c>auth_retrying</c> cadence,
/// probes, the ceiling, permanent verdicts, single-flight refresh across callers and (through the store's lease)
/// across processes. Its <see cref="GetTokenAsync"/> is the request path.
/// </summary>
/// <remarks>
/// All state below is guarded by <c>_lock</c>, except <c>_snapshot</c>, which the request path reads without a lock.
/// The engine's phase (<see cref="EnginePhase"/>) changes only in <c>Enter_NeedsLock</c>, which also makes the status
/// change it implies through the <see cref="WorkloadStatusTracker"/> (which refuses them once stopping); the other
/// fields are the data of the current phase (the failure streak, the schedule).
/// </remarks>
public sealed partial class TokenLifecycle : IAccessTokenSource, IAsyncDisposable
{
    /// <summary>The longest the monitor parks at once; a wall-clock jump wakes it sooner (<see cref="ClockWatcher"/>).</summary>
    private static readonly TimeSpan MaxPark = TimeSpan.FromDays(1);

    private readonly object _lock = new();
    private readonly string _workload;
    private readonly TokenClientConfig _config;
    private readonly TokenLifecycleOptions _options;
    private readonly ITokenStore _store;
    private readonly WorkloadStatusTracker _tracker;
    private readonly TokenEndpointClient _client;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<double> _random;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ClockWatcher _clockWatcher;
    private readonly bool _ownsClockWatcher;
    private IDisposable? _clockWatch;

    private volatile Snapshot? _snapshot;
    private TokenSet? _tokens;
    private TokenSet? _pending;
    private Task<TokenEndpointOutcome>? _inflight;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _monitor = Task.CompletedTask;
    private int _failures;
    private int _longAttempts;
    private DateTimeOffset? _firstFailureAt;
    private DateTimeOffset? _lastAttemptAt;
    private DateTimeOffset? _nextAttemptAt;
    private DateTimeOffset _notBefore;
    private TokenEndpointOutcome? _lastFailure;
    private string? _forcedToken;
    private DateTimeOffset? _parkedUntil;
    private int _parks;
    private TokenEndpointOutcome? _refused;
    private DateTimeOffset? _probeAt;

    /// <summary>Creates the engine of one workload; nothing happens until <see cref="StartAsync"/>.</summary>
    /// <param name="workload">The workload's name (logs, reasons).</param>
    /// <param name="config">The client and token endpoint.</param>
    /// <param name="options">The settings.</param>
    /// <param name="store">Where the tokens live; its lease makes refresh single-flight across processes.</param>
    /// <param name="tracker">The workload's status owner.</param>
    /// <param name="client">The token endpoint client.</param>
    /// <param name="time">The clock for every wait and timestamp.</param>
    /// <param name="logger">Where events go; never a token.</param>
    /// <param name="random">Jitter source in [0, 1); <see cref="Random.Shared"/> when absent.</param>
    /// <param name="clockWatcher">The host's watch on the wall clock (sleep and wake); the engine keeps its own when absent.</param>
    public TokenLifecycle(
        string workload,
        TokenClientConfig config,
        TokenLifecycleOptions options,
        ITokenStore store,
        WorkloadStatusTracker tracker,
        TokenEndpointClient client,
        TimeProvider time,
        ILogger logger,
        Func<double>? random = null,
        ClockWatcher? clockWatcher = null)
    {
        _workload = workload;
        _config = config;
        _options = options;
        _store = store;
        _tracker = tracker;
        _client = client;
        _time = time;
        _logger = logger;
        _random = random ?? Random.Shared.NextDouble;
        _ownsClockWatcher = clockWatcher is null;
        _clockWatcher = clockWatcher ?? new ClockWatcher(time);
    }

    /// <summary>Loads the tokens from the store and starts the monitor; refreshes at once when the stored token has expired.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var tokens = await _store.LoadAsync(cancellationToken);
        lock (_lock)
        {
            if (_phase != EnginePhase.NotStarted)
            {
                return;
            }

            var now = _time.GetUtcNow();
            if (tokens is null)
            {
                GoUnauthenticated_NeedsLock($"no tokens stored: run 'tether reauth {_workload}'");
            }
            else if (Snapshot.For(tokens) is { } snapshot && snapshot.UsableAt(now))
            {
                Publish_NeedsLock(tokens, now);
                Enter_NeedsLock(EnginePhase.Valid, "token from the store is still good");
            }
            else if (tokens.RefreshToken is not null)
            {
                // The status stays "starting" until the first attempt answers.
                _tokens = tokens;
                _nextAttemptAt = now;
                Enter_NeedsLock(EnginePhase.Valid, null);
            }
            else
            {
                GoUnauthenticated_NeedsLock($"the stored token has expired and there is no refresh token: run 'tether reauth {_workload}'");
            }

            _clockWatch = _clockWatcher.Watch(OnClockJump);
            _monitor = Task.Run(MonitorAsync);
        }
    }

    /// <inheritdoc/>
    public ValueTask<TokenAnswer> GetTokenAsync(CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        if (snapshot is not null && _time.GetUtcNow() < snapshot.UsableUntil)
        {
            return new ValueTask<TokenAnswer>(TokenAnswer.FromToken(snapshot.AccessToken));
        }

        return new ValueTask<TokenAnswer>(GetTokenSlowAsync(cancellationToken));
    }

    /// <inheritdoc/>
    public async ValueTask<TokenAnswer> RefreshAfterRejectionAsync(string rejectedAccessToken, CancellationToken cancellationToken)
    {
        Task<TokenEndpointOutcome> attempt;
        lock (_lock)
        {
            if (Unserved_NeedsLock() is { } unserved)
            {
                return unserved;
            }

            var now = _time.GetUtcNow();
            if (_snapshot is { } current && current.AccessToken != rejectedAccessToken && current.UsableAt(now))
            {
                return TokenAnswer.FromToken(current.AccessToken);
            }

            if (_phase == EnginePhase.Refused && _refused is { } refused)
            {
                // The server already refused the refresh token: a new sign-in is the only way on.
                GoUnauthenticated_NeedsLock($"the MCP server rejected the access token (http 401) and the refresh was refused ({refused.OAuthErrorText}): run 'tether reauth {_workload}'");
                return Unauthenticated_NeedsLock();
            }

            if (rejectedAccessToken == _forcedToken)
            {
                GoUnauthenticated_NeedsLock($"the MCP server rejected a freshly refreshed token (http 401): run 'tether reauth {_workload}'");
                return Unauthenticated_NeedsLock();
            }

            Log.UpstreamRejected(_logger, _workload);
            if (_snapshot?.AccessToken == rejectedAccessToken)
            {
                _snapshot = null;
            }

            attempt = StartAttempt_NeedsLock(now);
        }

        if (!await WaitBoundedAsync(attempt, _options.RequestWait, cancellationToken))
        {
            return RetryingAfterWait();
        }

        lock (_lock)
        {
            if (_snapshot is { } fresh && fresh.AccessToken != rejectedAccessToken && fresh.UsableAt(_time.GetUtcNow()))
            {
                _forcedToken = fresh.AccessToken;
                return TokenAnswer.FromToken(fresh.AccessToken);
            }

            return Unserved_NeedsLock() ?? Retrying_NeedsLock();
        }
    }

    /// <summary>
    /// The machine's network changed or came back: try at once if a failure streak is on; inside the probe interval
    /// (or before a server's <c>Retry-After</c>) the attempt is deferred to the interval's end, never dropped.
    /// </summary>
    public void NotifyNetworkChanged() => Probe("network changed");

    /// <summary>Stops the monitor and drops whatever is in flight: nothing may change the status or tokens afterwards.</summary>
    public async Task StopAsync()
    {
        Task monitor;
        Task? inflight;
        IDisposable? clockWatch;
        lock (_lock)
        {
            if (!Enter_NeedsLock(EnginePhase.Stopped, null))
            {
                return;
            }

            monitor = _monitor;
            inflight = _inflight;
            clockWatch = _clockWatch;
            _clockWatch = null;
        }

        clockWatch?.Dispose();
        await _stopping.CancelAsync();
        await monitor.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (inflight is not null)
        {
            await ((Task)inflight).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopping.Dispose();
        if (_ownsClockWatcher)
        {
            _clockWatcher.Dispose();
        }
    }

    private sealed record Snapshot(string AccessToken, DateTimeOffset UsableUntil)
    {
        /// <summary>Usable until a little before expiry, so that a request does not reach the server with a token about to die.</summary>
        public static Snapshot? For(TokenSet tokens)
        {
            if (tokens.ExpiresAt is not { } expires)
            {
                return new Snapshot(tokens.AccessToken, DateTimeOffset.MaxValue);
            }

            var lifetime = tokens.IssuedLifetime ?? TimeSpan.FromMinutes(5);
            var skew = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(5).Ticks, lifetime.Ticks / 10));
            return new Snapshot(tokens.AccessToken, expires - skew);
        }

        public bool UsableAt(DateTimeOffset now) => now < UsableUntil;
    }
}
