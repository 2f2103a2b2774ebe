namespace Tether.Tokens;

/// <summary>
/// Where one workload's token engine is; <see cref="TokenLifecycle"/> moves between these in one place
/// (<c>Enter_NeedsLock</c>) and its allowed moves are one table (<c>TokenLifecycle.IsAllowed</c>).
/// </summary>
internal enum EnginePhase
{
    /// <summary>Created; <c>StartAsync</c> has not loaded the tokens yet. Nothing is served.</summary>
    NotStarted,

    /// <summary>No failure streak and no verdict: the token is served while usable; the next attempt is the refresh ahead of expiry (or at once when there is no usable token).</summary>
    Valid,

    /// <summary>Refresh fails transiently while the access token still works: status <c>running</c>, short retry.</summary>
    RetryingAhead,

    /// <summary>No usable access token and the last outcome was transient: status <c>auth_retrying</c>, the long cadence and probes.</summary>
    AuthRetrying,

    /// <summary>The server refused the refresh while the access token still works: served until it expires, no more attempts.</summary>
    Refused,

    /// <summary>A verdict or the ceiling: nothing is served and no attempt is made until the workload is signed in or started again.</summary>
    Unauthenticated,

    /// <summary>Stopped or removed: nothing in flight may change the status or the tokens.</summary>
    Stopped,
}
