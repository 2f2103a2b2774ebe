using Tether.Store;

namespace Tether.Workloads;

/// <summary>A consistent read of one workload for the API and the CLI.</summary>
internal sealed record WorkloadSnapshot(
    WorkloadRecord Record,
    WorkloadStatus Status,
    string Reason,
    DateTimeOffset UpdatedAt,
    string LocalUrl,
    string? SignInUrl,
    DateTimeOffset? SignInDeadline,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? TokenExpiresAt,
    bool RefreshRefused);
