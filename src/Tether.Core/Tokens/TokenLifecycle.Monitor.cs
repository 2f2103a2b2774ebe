using Tether.Configuration;

namespace Tether.Tokens;

/// <summary>The background monitor: sleeps until the next due attempt or expiry; the host's clock watch wakes it after sleep.</summary>
public sealed partial class TokenLifecycle
{
    /// <summary>
    /// Wakes for due attempts and for expiry during a failure streak or after a refused refresh. An idle engine parks
    /// until then (a day at most): noticing the wall clock jump ahead is the <see cref="ClockWatcher"/>'s job, one
    /// timer for the whole process rather than one wake-up per engine every few seconds.
    /// </summary>
    private async Task MonitorAsync()
    {
        var cancellationToken = _stopping.Token;
        while (!cancellationToken.IsCancellationRequested)
        {
            Task wake;
            Task<TokenEndpointOutcome>? attempt = null;
            TimeSpan wait;
            lock (_lock)
            {
                if (_phase == EnginePhase.Stopped)
                {
                    return;
                }

                var now = _time.GetUtcNow();
                if (_phase == EnginePhase.Refused && _snapshot?.UsableAt(now) != true)
                {
                    ExpireRefused_NeedsLock();
                }

                if (Retrying(_phase) && _snapshot is { } expiring && !expiring.UsableAt(now))
                {
                    _snapshot = null;
                    Enter_NeedsLock(EnginePhase.AuthRetrying, $"the token expired; {_lastFailure?.Reason}; next attempt in {DurationParser.Format(TimeSpan.FromSeconds(Math.Ceiling(Until(_nextAttemptAt, now).TotalSeconds)))}");
                }

                if (_inflight is { IsCompleted: false } running)
                {
                    attempt = running;
                }
                else if (_phase != EnginePhase.Unauthenticated && NextDue_NeedsLock(now) is { } due && due <= now)
                {
                    if (_probeAt is { } probe && probe <= now && (_nextAttemptAt is not { } cadence || cadence > now))
                    {
                        Log.Probe(_logger, _workload, "deferred");
                    }

                    attempt = StartAttempt_NeedsLock(now);
                }

                var nextWake = _phase == EnginePhase.Unauthenticated ? null : NextDue_NeedsLock(now);
                if (_phase is EnginePhase.RetryingAhead or EnginePhase.AuthRetrying or EnginePhase.Refused
                    && _snapshot is { } valid && (nextWake is null || valid.UsableUntil < nextWake))
                {
                    nextWake = valid.UsableUntil;
                }

                wait = nextWake is { } at ? Until(at, now) : Timeout.InfiniteTimeSpan;
                if (wait > MaxPark)
                {
                    wait = MaxPark;
                }

                // Renewed after this pass's own transitions (which wake the monitor) and read under the same lock as
                // the schedule: a wake from another thread after this point is seen by the park below.
                if (_wake.Task.IsCompleted)
                {
                    _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                wake = _wake.Task;
            }

            if (attempt is not null)
            {
                await ((Task)attempt).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            var delay = Task.Delay(wait, _time, cancellationToken);
            lock (_lock)
            {
                _parkedUntil = wait == Timeout.InfiniteTimeSpan ? DateTimeOffset.MaxValue : _time.GetUtcNow() + wait;
                _parks++;
            }

            await ((Task)Task.WhenAny(wake, delay)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            lock (_lock)
            {
                _parkedUntil = null;
            }
        }
    }

    /// <summary>
    /// The wall clock jumped ahead of the monotonic one (sleep and wake): timers slept too, so the monitor re-reads
    /// its schedule now, and a failure streak gets a probe at once.
    /// </summary>
    private void OnClockJump(TimeSpan jump)
    {
        lock (_lock)
        {
            if (_phase is EnginePhase.NotStarted or EnginePhase.Stopped)
            {
                return;
            }

            _wake.TrySetResult();
        }

        Log.ClockJump(_logger, _workload, DurationParser.Format(jump));
        Probe("wake from sleep");
    }
}
