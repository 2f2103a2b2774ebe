using Tether.Configuration;

namespace Tether.Tokens;

/// <summary>The request path when the token is not simply valid: wait for an attempt, a deferred probe, or answer 503.</summary>
public sealed partial class TokenLifecycle
{
    private async Task<TokenAnswer> GetTokenSlowAsync(CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + _options.RequestWait;
        while (true)
        {
            Task<TokenEndpointOutcome>? attempt = null;
            var deferredTo = DateTimeOffset.MinValue;
            lock (_lock)
            {
                if (Unserved_NeedsLock() is { } unserved)
                {
                    return unserved;
                }

                var now = _time.GetUtcNow();
                if (_snapshot is { } snapshot && snapshot.UsableAt(now))
                {
                    return TokenAnswer.FromToken(snapshot.AccessToken);
                }

                if (_inflight is { IsCompleted: false } inflight)
                {
                    attempt = inflight;
                }
                else if (!Retrying(_phase) || ProbeDueAt_NeedsLock(now) <= now)
                {
                    if (Retrying(_phase))
                    {
                        Log.Probe(_logger, _workload, "request");
                    }

                    attempt = StartAttempt_NeedsLock(now);
                }
                else if (ProbeDueAt_NeedsLock(now) is var due && due - now <= _options.ProbeMinInterval && due <= deadline)
                {
                    // A request inside the probe interval waits for the probe at the interval's end (never longer
                    // than one interval) rather than getting 503: with a client asking every few seconds, the first
                    // request after an outage heals goes through within one interval. A longer Retry-After or the
                    // cadence answers 503 at once.
                    DeferProbe_NeedsLock(due);
                    deferredTo = due;
                }
                else
                {
                    return Retrying_NeedsLock();
                }
            }

            if (attempt is null)
            {
                await Task.Delay(Until(deferredTo, _time.GetUtcNow()), _time, cancellationToken);
                continue;
            }

            if (!await WaitBoundedAsync(attempt, deadline - _time.GetUtcNow(), cancellationToken))
            {
                return RetryingAfterWait();
            }

            lock (_lock)
            {
                var snapshot = _snapshot;
                return snapshot is not null && snapshot.UsableAt(_time.GetUtcNow())
                    ? TokenAnswer.FromToken(snapshot.AccessToken)
                    : Unserved_NeedsLock() ?? Retrying_NeedsLock();
            }
        }
    }

    private async Task<bool> WaitBoundedAsync(Task attempt, TimeSpan budget, CancellationToken cancellationToken)
    {
        try
        {
            await attempt.WaitAsync(budget > TimeSpan.Zero ? budget : TimeSpan.Zero, _time, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private TokenAnswer RetryingAfterWait()
    {
        lock (_lock)
        {
            return Unserved_NeedsLock() ?? new TokenAnswer(
                TokenAnswerKind.Retrying,
                null,
                RetryAfterSeconds_NeedsLock(),
                $"refreshing the token took longer than {DurationParser.Format(_options.RequestWait)}; retry shortly");
        }
    }

    private Task<TokenEndpointOutcome> StartAttempt_NeedsLock(DateTimeOffset now)
    {
        if (_inflight is { IsCompleted: false } inflight)
        {
            return inflight;
        }

        _lastAttemptAt = now;
        _probeAt = null;
        var attempt = Task.Run(AttemptAsync);
        _inflight = attempt;
        return attempt;
    }

    private TokenAnswer Unauthenticated_NeedsLock() =>
        new(TokenAnswerKind.Unauthenticated, null, 0, $"{_workload} needs a new sign-in ({_tracker.Reason})");

    private TokenAnswer Retrying_NeedsLock() =>
        new(TokenAnswerKind.Retrying, null, RetryAfterSeconds_NeedsLock(), _lastFailure?.Reason ?? "refreshing the access token");

    private int RetryAfterSeconds_NeedsLock()
    {
        var next = _probeAt is { } probe && (_nextAttemptAt is null || probe < _nextAttemptAt) ? probe : _nextAttemptAt;
        var until = next is { } at ? at - _time.GetUtcNow() : _options.ProbeMinInterval;
        return (int)Math.Clamp(Math.Ceiling(until.TotalSeconds), 1, 600);
    }
}
