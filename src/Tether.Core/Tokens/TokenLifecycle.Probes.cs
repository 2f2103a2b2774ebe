using Tether.Configuration;

namespace Tether.Tokens;

/// <summary>Probes: attempts faster than the cadence, at most one per probe interval, deferred rather than dropped.</summary>
public sealed partial class TokenLifecycle
{
    private void Probe(string trigger)
    {
        lock (_lock)
        {
            if (!Retrying(_phase))
            {
                return;
            }

            var now = _time.GetUtcNow();
            if (ProbeDueAt_NeedsLock(now) is var due && due <= now)
            {
                Log.Probe(_logger, _workload, trigger);
                _ = StartAttempt_NeedsLock(now);
            }
            else
            {
                Log.ProbeDeferred(_logger, _workload, trigger, DurationParser.Format(TimeSpan.FromSeconds(Math.Ceiling((due - now).TotalSeconds))));
                DeferProbe_NeedsLock(due);
            }
        }
    }

    /// <summary>The earliest a probe may run: one probe interval after the last attempt, and never before a <c>Retry-After</c>.</summary>
    private DateTimeOffset ProbeDueAt_NeedsLock(DateTimeOffset now)
    {
        var due = _notBefore > now ? _notBefore : now;
        if (_lastAttemptAt is { } last && last + _options.ProbeMinInterval > due)
        {
            due = last + _options.ProbeMinInterval;
        }

        return due;
    }

    /// <summary>Makes the monitor attempt at <paramref name="due"/> (unless an earlier attempt is already due).</summary>
    private void DeferProbe_NeedsLock(DateTimeOffset due)
    {
        if (_probeAt is null || due < _probeAt)
        {
            _probeAt = due;
            _wake.TrySetResult();
        }
    }

    /// <summary>
    /// The next attempt, cadence or deferred probe, whichever is first; during a failure streak never sooner than one
    /// probe interval after the last attempt, so that an outage costs at most one token request per interval.
    /// </summary>
    private DateTimeOffset? NextDue_NeedsLock(DateTimeOffset now)
    {
        var due = _probeAt is { } probe && (_nextAttemptAt is null || probe < _nextAttemptAt) ? probe : _nextAttemptAt;
        if (due is { } at && Retrying(_phase) && ProbeDueAt_NeedsLock(now) is var floor && floor > at)
        {
            due = floor;
        }

        return due;
    }
}
