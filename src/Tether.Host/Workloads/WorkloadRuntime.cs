using Tether.Proxy;
using Tether.Tokens;

namespace Tether.Workloads;

/// <summary>One workload's live parts in the host. Lifecycle operations on it run one at a time (<see cref="Gate"/>).</summary>
internal sealed class WorkloadRuntime(string name, WorkloadStatusTracker tracker, DateTimeOffset createdAt)
{
    public string Name { get; } = name;

    public WorkloadStatusTracker Tracker { get; } = tracker;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public SemaphoreSlim Gate { get; } = new(1, 1);

    public required WorkloadSpec Spec { get; set; }

    public int Port { get; set; }

    public TokenLifecycle? Tokens { get; set; }

    public LocalEndpoint? Endpoint { get; set; }

    /// <summary>Cancels the bring-up (sign-in wait included) when the workload is stopped or removed.</summary>
    public CancellationTokenSource? Run { get; set; }

    public Task BringUp { get; set; } = Task.CompletedTask;

    public string? SignInUrl { get; set; }

    public DateTimeOffset? SignInDeadline { get; set; }
}
