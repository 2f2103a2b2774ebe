using Tether.Proxy;
using Tether.Store;
using Tether.Tokens;

namespace Tether.Workloads;

/// <summary>One workload's live parts in the host. Lifecycle operations on it run one at a time (<see cref="Gate"/>).</summary>
internal sealed class WorkloadRuntime(string name, WorkloadStatusTracker tracker)
{
    public string Name { get; } = name;

    public WorkloadStatusTracker Tracker { get; } = tracker;

    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>The workload as stored (replaced whole when sign-in learns something).</summary>
    public required WorkloadRecord Record { get; set; }

    public int Port => Record.Port ?? 0;

    /// <summary>
    /// Whether Tether picked the port and the endpoint has not listened on it yet: if another program takes it in the
    /// meantime, the endpoint moves to another free port instead of failing (no MCP client knows the port yet).
    /// </summary>
    public bool PortMayMove { get; set; }

    public TokenLifecycle? Tokens { get; set; }

    public LocalEndpoint? Endpoint { get; set; }

    /// <summary>Cancels the bring-up (sign-in wait included) when the workload is stopped or removed.</summary>
    public CancellationTokenSource? Run { get; set; }

    public Task BringUp { get; set; } = Task.CompletedTask;

    public string? SignInUrl { get; set; }

    public DateTimeOffset? SignInDeadline { get; set; }
}
