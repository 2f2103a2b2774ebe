using Tether.Workloads;

namespace Tether.Tokens;

/// <summary>
/// The engine's phase: <see cref="IsAllowed"/> is the table of moves, <see cref="Enter_NeedsLock"/> the one writer of
/// <c>_phase</c>, and with it of the workload status the phase implies.
/// </summary>
public sealed partial class TokenLifecycle
{
    private EnginePhase _phase = EnginePhase.NotStarted;

    /// <summary>The engine's phase (for tests and diagnostics).</summary>
    internal EnginePhase Phase
    {
        get
        {
            lock (_lock)
            {
                return _phase;
            }
        }
    }

    /// <summary>Whether an answer from the token endpoint is applied in this phase (an attempt belongs to it).</summary>
    private static bool Attempting(EnginePhase phase) =>
        phase is EnginePhase.Valid or EnginePhase.RetryingAhead or EnginePhase.AuthRetrying;

    /// <summary>Whether a failure streak is on: probes and the request path may try sooner than the cadence.</summary>
    private static bool Retrying(EnginePhase phase) => phase is EnginePhase.RetryingAhead or EnginePhase.AuthRetrying;

    /// <summary>The engine's transition table; a move to the same phase is a new outcome of the same kind (new reason).</summary>
    internal static bool IsAllowed(EnginePhase from, EnginePhase to) => (from, to) switch
    {
        (EnginePhase.Stopped, _) => false,
        (_, EnginePhase.Stopped) => true,
        (EnginePhase.NotStarted, EnginePhase.Valid or EnginePhase.Unauthenticated) => true,
        (EnginePhase.Valid or EnginePhase.RetryingAhead, EnginePhase.Valid or EnginePhase.RetryingAhead or EnginePhase.AuthRetrying or EnginePhase.Refused or EnginePhase.Unauthenticated) => true,
        (EnginePhase.AuthRetrying, EnginePhase.Valid or EnginePhase.AuthRetrying or EnginePhase.Unauthenticated) => true,
        (EnginePhase.Refused, EnginePhase.Unauthenticated) => true,
        _ => false,
    };

    /// <summary>
    /// Moves to <paramref name="to"/> and tells the status owner what it implies (<paramref name="reason"/> null: no
    /// status change). Every phase change of the engine goes through here; a move the table does not allow changes
    /// nothing and returns false.
    /// </summary>
    private bool Enter_NeedsLock(EnginePhase to, string? reason)
    {
        if (!IsAllowed(_phase, to))
        {
            return false;
        }

        _phase = to;
        switch (to)
        {
            case EnginePhase.Refused:
                _nextAttemptAt = null;
                _probeAt = null;
                break;
            case EnginePhase.Unauthenticated:
            case EnginePhase.Stopped:
                _snapshot = null;
                _nextAttemptAt = null;
                _probeAt = null;
                break;
        }

        if (reason is not null)
        {
            _ = to switch
            {
                EnginePhase.Valid or EnginePhase.Refused => _tracker.TryTransition(WorkloadStatus.Running, reason),
                EnginePhase.RetryingAhead => _tracker.TrySetReason(WorkloadStatus.Running, reason),
                EnginePhase.AuthRetrying => _tracker.TryTransition(WorkloadStatus.AuthRetrying, reason),
                EnginePhase.Unauthenticated => _tracker.TryTransition(WorkloadStatus.Unauthenticated, reason),
                _ => false,
            };
        }

        _wake.TrySetResult();
        return true;
    }

    /// <summary>A verdict: no token is served and no attempt is made until the workload is started or signed in again.</summary>
    private void GoUnauthenticated_NeedsLock(string reason) => Enter_NeedsLock(EnginePhase.Unauthenticated, reason);

    /// <summary>The token that outlived a refused refresh has expired (or was rejected): a sign-in is needed now.</summary>
    private void ExpireRefused_NeedsLock()
    {
        var refused = _refused?.OAuthErrorText is { } error ? $"refresh refused ({error})" : _refused?.Reason;
        GoUnauthenticated_NeedsLock($"the access token expired after the {refused}: run 'tether reauth {_workload}'");
    }

    /// <summary>The answer when the engine serves no token in its phase, or null when it may; expires a refused token that outlived its time.</summary>
    private TokenAnswer? Unserved_NeedsLock()
    {
        if (_phase is EnginePhase.NotStarted or EnginePhase.Stopped)
        {
            return new TokenAnswer(TokenAnswerKind.Unavailable, null, 2, $"{_workload} is not running");
        }

        if (_phase == EnginePhase.Refused && _snapshot?.UsableAt(_time.GetUtcNow()) != true)
        {
            ExpireRefused_NeedsLock();
        }

        return _phase == EnginePhase.Unauthenticated ? Unauthenticated_NeedsLock() : null;
    }
}
