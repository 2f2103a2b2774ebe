namespace Tether.Workloads;

/// <summary>The wire names of <see cref="WorkloadStatus"/> and <see cref="WorkloadHealth"/>, and the health mapping.</summary>
public static class WorkloadStatusNames
{
    /// <summary>The lower-case snake name used everywhere outside the code.</summary>
    public static string ToWire(this WorkloadStatus status) => status switch
    {
        WorkloadStatus.Starting => "starting",
        WorkloadStatus.Authenticating => "authenticating",
        WorkloadStatus.Running => "running",
        WorkloadStatus.AuthRetrying => "auth_retrying",
        WorkloadStatus.Unauthenticated => "unauthenticated",
        WorkloadStatus.Stopping => "stopping",
        WorkloadStatus.Stopped => "stopped",
        WorkloadStatus.Removing => "removing",
        WorkloadStatus.Error => "error",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>Parses a wire name; <see langword="false"/> for anything else.</summary>
    public static bool TryParse(string? value, out WorkloadStatus status)
    {
        WorkloadStatus? parsed = value switch
        {
            "starting" => WorkloadStatus.Starting,
            "authenticating" => WorkloadStatus.Authenticating,
            "running" => WorkloadStatus.Running,
            "auth_retrying" => WorkloadStatus.AuthRetrying,
            "unauthenticated" => WorkloadStatus.Unauthenticated,
            "stopping" => WorkloadStatus.Stopping,
            "stopped" => WorkloadStatus.Stopped,
            "removing" => WorkloadStatus.Removing,
            "error" => WorkloadStatus.Error,
            _ => null,
        };
        status = parsed.GetValueOrDefault();
        return parsed.HasValue;
    }

    /// <summary>
    /// Whether <c>tether list</c> shows a workload in this status without <c>--all</c>: every one the user has not stopped,
    /// so that one that needs sign-in or broke stays in sight.
    /// </summary>
    public static bool IsShownByDefault(this WorkloadStatus status) =>
        status is not (WorkloadStatus.Stopping or WorkloadStatus.Stopped or WorkloadStatus.Removing);

    /// <summary>The health an aggregator sees.</summary>
    public static WorkloadHealth ToHealth(this WorkloadStatus status) => status switch
    {
        WorkloadStatus.Running => WorkloadHealth.Healthy,
        WorkloadStatus.AuthRetrying => WorkloadHealth.Degraded,
        WorkloadStatus.Unauthenticated => WorkloadHealth.Unauthenticated,
        WorkloadStatus.Starting or WorkloadStatus.Authenticating => WorkloadHealth.Unknown,
        _ => WorkloadHealth.Unhealthy,
    };

    /// <summary>
    /// The health an aggregator sees, given whether the workload runs on an access token whose refresh was refused
    /// (it serves until expiry but needs a sign-in: <c>degraded</c>).
    /// </summary>
    public static WorkloadHealth ToHealth(this WorkloadStatus status, bool refreshRefused) =>
        status == WorkloadStatus.Running && refreshRefused ? WorkloadHealth.Degraded : status.ToHealth();

    /// <summary>The lower-case wire name of a health.</summary>
    public static string ToWire(this WorkloadHealth health) => health switch
    {
        WorkloadHealth.Healthy => "healthy",
        WorkloadHealth.Degraded => "degraded",
        WorkloadHealth.Unauthenticated => "unauthenticated",
        WorkloadHealth.Unknown => "unknown",
        WorkloadHealth.Unhealthy => "unhealthy",
        _ => throw new ArgumentOutOfRangeException(nameof(health), health, null),
    };
}
