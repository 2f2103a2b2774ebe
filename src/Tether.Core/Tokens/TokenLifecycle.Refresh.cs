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
            if (_phase == EnginePhase.Stopped)
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

    /// <summary>
    /// Applies an attempt's answer; only while the engine is attempting: once a verdict, the ceiling or a stop has
    /// been reached, a late answer changes nothing (a verdict stands until the next sign-in or start).
    /// </summary>
    private void Apply(TokenEndpointOutcome outcome)
    {
        lock (_lock)
        {
            if (!Attempting(_phase) || outcome.Class == OutcomeClass.Cancelled)
            {
                return;
            }

            var now = _time.GetUtcNow();
            switch (outcome.Class)
            {
                case OutcomeClass.Success:
                    var failures = _failures;
                    Publish_NeedsLock(outcome.Tokens!, now);
                    Enter_NeedsLock(EnginePhase.Valid, $"token refreshed at {Clock(now)}");
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
        }
    }

    /// <summary>
    /// A verdict: no further token-endpoint calls. With a still-valid access token the workload keeps serving until it
    /// expires (running, health degraded, the reason naming the deadline); without one, <c>unauthenticated</c> at once.
    /// </summary>
    private void ApplyVerdict_NeedsLock(TokenEndpointOutcome outcome, DateTimeOffset now)
    {
        var refused = outcome.OAuthErrorText is { } error ? $"refresh refused ({error})" : outcome.Reason;
        if (_snapshot is { } valid && valid.UsableAt(now))
        {
            _refused = outcome;
            var deadline = TimeZoneInfo.ConvertTime(valid.UsableUntil, _time.LocalTimeZone).ToString("HH:mm", CultureInfo.InvariantCulture);
            Enter_NeedsLock(EnginePhase.Refused, $"{refused}: sign in again before {deadline} with tether reauth {_workload}");
        }
        else
        {
            GoUnauthenticated_NeedsLock($"{refused}: run 'tether reauth {_workload}'");
        }

        OutcomeLogState.Permanent(_logger, _workload, _config.Issuer, _config.ClientId, outcome, _tracker.Status.ToWire());
        if (outcome.AboutClientOrGrant && _config.ClientFromRegistration)
        {
            Log.RemediationHint(_logger, _workload, _config.Issuer, _config.ClientId);
        }
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
            GoUnauthenticated_NeedsLock($"transient failures for over {ceiling}: {outcome.Reason}: run 'tether reauth {_workload}'");
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
            Enter_NeedsLock(EnginePhase.RetryingAhead, $"refresh failing ({outcome.Reason}); the token works until {Clock(_snapshot!.UsableUntil)}; next try in {next}");
        }
        else
        {
            Enter_NeedsLock(EnginePhase.AuthRetrying, $"{outcome.Reason}; next attempt in {next}");
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

    private static TimeSpan Until(DateTimeOffset? at, DateTimeOffset now) =>
        at is { } value && value > now ? value - now : TimeSpan.Zero;

    private static string Clock(DateTimeOffset at) => at.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
}
