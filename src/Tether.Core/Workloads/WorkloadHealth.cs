namespace Tether.Workloads;

/// <summary>The health an aggregator sees for a workload status.</summary>
public enum WorkloadHealth
{
    /// <summary><see cref="WorkloadStatus.Running"/>.</summary>
    Healthy,

    /// <summary><see cref="WorkloadStatus.AuthRetrying"/>: working on it by itself.</summary>
    Degraded,

    /// <summary><see cref="WorkloadStatus.Unauthenticated"/>: needs the user.</summary>
    Unauthenticated,

    /// <summary><see cref="WorkloadStatus.Starting"/> or <see cref="WorkloadStatus.Authenticating"/>.</summary>
    Unknown,

    /// <summary>Anything else.</summary>
    Unhealthy,
}
