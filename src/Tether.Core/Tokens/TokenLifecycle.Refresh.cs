using System.Globalization;
using Tether.Configuration;
using Tether.Workloads;

namespace Tether.Tokens;

public sealed partial class TokenLifecycle
{
    /// <summary>One attempt: lease, adopt what another process stored or call the endpoint, commit, then apply.</summary>
    private async Task<TokenEndpointOutcome> AttemptAsync()
    {
        var cancellationToken = _stopping.Token;
        TokenEndpointOutcome outcome;
        try
        {
            await using var lease = await _store.AcquireAsync(cancellationToken);
            TokenSet? held;
            TokenSet? pending;
            lock (_lock)
            {
                held = _tokens;
                pending = _pending;
            }

            var stored = lease.Current;
            if (pending is not null)
            {
                await lease.CommitAsync(pending, cancellationToken);
                lock (_lock)
                {
                    _pending = null;
                }

                stored = pending;
            }

            var now = _time.GetUtcNow();
            if (stored is not null && (pending is not null || stored.RefreshToken != held?.RefreshToken)
                && Snapshot.For(stored) is { } storedSnapshot && storedSnapshot.UsableAt(now))
            {
                if (pending is null)
                {
                    Log.Adopted(_logger, _workload);
                }

                outcome = new TokenEndpointOutcome(OutcomeClass.Success, stored, null, null, null, "tokens from the store");
            }
            else if ((stored?.RefreshToken ?? held?.RefreshToken) is not { } refreshToken)
            {
                outcome = new TokenEndpointOutcome(OutcomeClass.Permanent, null, null, null, null, "there is no refresh token");
            }
            else
            {
                var started = _time.GetTimestamp();
                outcome = await _client.RefreshAsync(_config, refreshToken, cancellationToken);
                TokenMetrics.RefreshAnswered(_workload, outcome, _time.GetElapsedTime(started), _time.GetUtcNow());
                if (outcome is { Class: OutcomeClass.Success, Tokens: { } fresh })
                {
                    outcome = await CommitAsync(lease, fresh, outcome, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = TokenEndpointOutcome.Cancelled;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            outcome = TokenEndpointOutcome.Transient($"token store unavailable: {ex.Message}");
        }

        Apply(outcome);
        return outcome;
    }

    /// <summary>A rotated refresh token is stored before the new access token is used; if that fails, both wait.</summary>
    private async Task<TokenEndpointOutcome> CommitAsync(ITokenLease lease, TokenSet fresh, TokenEndpointOutcome outcome, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_stopped)
            {
                return TokenEndpointOutcome.Cancelled;
            }
        }

        try
        {
            await lease.CommitAsync(fresh, cancellationToken);
            return outcome;
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            Log.CommitFailed(_logger, _workload, ex.Message);
            lock (_lock)
            {
                _pending = fresh;
            }

            return TokenEndpointOutcome.Transient($"could not store the rotated tokens: {ex.Message}");
        }
    }

    private void Apply(TokenEndpointOutcome outcome)
    {
        lock (_lock)
        {
            if (_stopped || outcome.Class == OutcomeClass.Cancelled)
            {
                return;
            }

            var now = _time.GetUtcNow();
            switch (outcome.Class)
            {
                case OutcomeClass.Success:
                    var failures = _failures;
                    Publish_NeedsLock(outcome.Tokens!, now);
                    _unauthenticated = false;
                    _tracker.TryTransition(WorkloadStatus.Running, $"token refreshed at {Clock(now)}");
                    if (failures > 0)
                    {
                        Log.Recovered(_logger, _workload, failures, WorkloadStatus.Running.ToWire());
                    }

                    Log.Refreshed(_logger, _workload, _config.Issuer, _config.ClientId, _tracker.Status.ToWire());
                    break;
                case OutcomeClass.Permanent:
                    ApplyVerdict_NeedsLock(outcome, now);
                    break;
                default:
                    ApplyTransient_NeedsLock(outcome, now);
                    break;
            }

            _wake.TrySetResult();
        }
    }

    /// <summary>
    /// A verdict: no further token-endpoint calls. With a still-valid access token the workload keeps serving until it
    /// expires (running, health degraded, the reason naming the deadline); without one, <c>unauthenticated</c> at once.
    /// </summary>
    private void ApplyVerdict_NeedsLock(TokenEndpointOutcome outcome, DateTimeOffset now)
    {
        var first = !_unauthenticated && _refused is null;
        var refused = outcome.OAuthErrorText is { } error ? $"refresh refused ({error})" : outcome.Reason;
        if (_snapshot is { } valid && valid.UsableAt(now))
        {
            _refused = outcome;
            _nextAttemptAt = null;
            _probeAt = null;
            var deadline = TimeZoneInfo.ConvertTime(valid.UsableUntil, _time.LocalTimeZone).ToString("HH:mm", CultureInfo.InvariantCulture);
            _tracker.TryTransition(WorkloadStatus.Running, $"{refused}: sign in again before {deadline} with tether reauth {_workload}");
        }
        else
        {
            GoUnauthenticated_NeedsLock($"{refused}: run 'tether reauth {_workload}'");
        }

        OutcomeLogState.Permanent(_logger, _workload, _config.Issuer, _config.ClientId, outcome, _tracker.Status.ToWire());
        if (first && outcome.AboutClientOrGrant && _config.ClientFromRegistration)
        {
            Log.RemediationHint(_logger, _workload, _config.Issuer, _config.ClientId);
        }
    }

    /// <summary>The token that outlived a refused refresh has expired (or was rejected): a sign-in is needed now.</summary>
    private void ExpireRefused_NeedsLock()
    {
        var refused = _refused?.OAuthErrorText is { } error ? $"refresh refused ({error})" : _refused?.Reason;
        GoUnauthenticated_NeedsLock($"the access token expired after the {refused}: run 'tether reauth {_workload}'");
    }

    private void ApplyTransient_NeedsLock(TokenEndpointOutcome outcome, DateTimeOffset now)
    {
        _failures++;
        _firstFailureAt ??= now;
        _lastFailure = outcome;
        if (now - _firstFailureAt.Value >= _options.AuthRetryingMaxElapsed)
        {
            var ceiling = DurationParser.Format(_options.AuthRetryingMaxElapsed);
            Log.Ceiling(_logger, _workload, ceiling, outcome.Reason);
            GoUnauthenticated_NeedsLock($"transient failures for over {ceiling}: {outcome.Reason}");
            return;
        }

        var tokenValid = _snapshot is { } snapshot && snapshot.UsableAt(now);
        var inShortRetry = tokenValid
            && _failures < _options.RefreshMaxTries
            && now - _firstFailureAt.Value < _options.RefreshMaxElapsedTime;
        var delay = inShortRetry
            ? Backoff.ShortDelay(_failures, _options.RefreshInitialRetryInterval, _options.RefreshMaxRetryInterval, _random())
            : Backoff.LongDelay(++_longAttempts, _options.AuthRetryingTickInterval, _random());
        _notBefore = outcome.RetryAfter is { } retryAfter ? now + retryAfter : now;
        if (_notBefore - now > delay)
        {
            delay = _notBefore - now;
        }

        _nextAttemptAt = now + delay;
        var next = DurationParser.Format(TimeSpan.FromSeconds(Math.Ceiling(delay.TotalSeconds)));
        if (tokenValid)
        {
            _tracker.TrySetReason(WorkloadStatus.Running, $"refresh failing ({outcome.Reason}); the token works until {Clock(_snapshot!.UsableUntil)}; next try in {next}");
        }
        else
        {
            _tracker.TryTransition(WorkloadStatus.AuthRetrying, $"{outcome.Reason}; next attempt in {next}");
        }

        OutcomeLogState.Transient(_logger, _workload, _failures, outcome, _tracker.Status.ToWire(), next);
    }

    private void Publish_NeedsLock(TokenSet tokens, DateTimeOffset now)
    {
        _tokens = tokens;
        _snapshot = Snapshot.For(tokens);
        _failures = 0;
        _longAttempts = 0;
        _firstFailureAt = null;
        _lastFailure = null;
        _refused = null;
        _probeAt = null;
        _notBefore = now;
        _nextAttemptAt = tokens is { ExpiresAt: { } expires, RefreshToken: not null }
            ? Backoff.RefreshAt(expires - (tokens.IssuedLifetime ?? expires - now), tokens.IssuedLifetime ?? expires - now, _options.RefreshAhead)
            : null;
    }

    /// <summary>A verdict: no token is served and no attempt is made until the workload is started or signed in again.</summary>
    private bool GoUnauthenticated_NeedsLock(string reason)
    {
        var first = !_unauthenticated;
        _unauthenticated = true;
        _snapshot = null;
        _nextAttemptAt = null;
        _probeAt = null;
        _tracker.TryTransition(WorkloadStatus.Unauthenticated, reason);
        _wake.TrySetResult();
        return first;
    }

    /// <summary>Wakes for due attempts, for expiry during a failure streak, and to notice the wall clock jumping ahead.</summary>
    private async Task MonitorAsync()
    {
        var cancellationToken = _stopping.Token;
        var lastWall = _time.GetUtcNow();
        var lastTick = _time.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested)
        {
            Task wake;
            Task<TokenEndpointOutcome>? attempt = null;
            TimeSpan wait;
            lock (_lock)
            {
                if (_stopped)
                {
                    return;
                }

                if (_wake.Task.IsCompleted)
                {
                    _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                wake = _wake.Task;
                var now = _time.GetUtcNow();
                if (_refused is not null && !_unauthenticated && _snapshot?.UsableAt(now) != true)
                {
                    ExpireRefused_NeedsLock();
                }

                if (_failures > 0 && !_unauthenticated && _snapshot is { } expiring && !expiring.UsableAt(now))
                {
                    _snapshot = null;
                    _tracker.TryTransition(WorkloadStatus.AuthRetrying, $"the token expired; {_lastFailure?.Reason}; next attempt in {DurationParser.Format(TimeSpan.FromSeconds(Math.Ceiling(Until(_nextAttemptAt, now).TotalSeconds)))}");
                }

                if (_inflight is { IsCompleted: false } running)
                {
                    attempt = running;
                }
                else if (!_unauthenticated && NextDue_NeedsLock(now) is { } due && due <= now)
                {
                    if (_probeAt is { } probe && probe <= now && (_nextAttemptAt is not { } cadence || cadence > now))
                    {
                        Log.Probe(_logger, _workload, "deferred");
                    }

                    attempt = StartAttempt_NeedsLock(now);
                }

                var nextWake = _unauthenticated ? null : NextDue_NeedsLock(now);
                if ((_failures > 0 || _refused is not null) && _snapshot is { } valid && (nextWake is null || valid.UsableUntil < nextWake))
                {
                    nextWake = valid.UsableUntil;
                }

                wait = nextWake is { } at ? Until(at, now) : ClockCheckInterval;
                if (wait > ClockCheckInterval)
                {
                    wait = ClockCheckInterval;
                }
            }

            if (attempt is not null)
            {
                await ((Task)attempt).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            var delay = Task.Delay(wait, _time, cancellationToken);
            lock (_lock)
            {
                _parkedUntil = _time.GetUtcNow() + wait;
                _parks++;
            }

            await ((Task)Task.WhenAny(wake, delay)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            lock (_lock)
            {
                _parkedUntil = null;
            }

            var wall = _time.GetUtcNow();
            var jump = (wall - lastWall) - _time.GetElapsedTime(lastTick);
            lastWall = wall;
            lastTick = _time.GetTimestamp();
            if (jump > ClockJumpThreshold)
            {
                Log.ClockJump(_logger, _workload, DurationParser.Format(jump));
                Probe("wake from sleep");
            }
        }
    }

    /// <summary>
    /// The next attempt, cadence or deferred probe, whichever is first; during a failure streak never sooner than one
    /// probe interval after the last attempt, so that an outage costs at most one token request per interval.
    /// </summary>
    private DateTimeOffset? NextDue_NeedsLock(DateTimeOffset now)
    {
        var due = _probeAt is { } probe && (_nextAttemptAt is null || probe < _nextAttemptAt) ? probe : _nextAttemptAt;
        if (due is { } at && _failures > 0 && ProbeDueAt_NeedsLock(now) is var floor && floor > at)
        {
            due = floor;
        }

        return due;
    }

    private static TimeSpan Until(DateTimeOffset? at, DateTimeOffset now) =>
        at is { } value && value > now ? value - now : TimeSpan.Zero;

    private static string Clock(DateTimeOffset at) => at.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
}
