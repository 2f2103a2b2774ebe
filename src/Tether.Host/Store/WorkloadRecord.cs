using Tether.Workloads;

namespace Tether.Store;

/// <summary>One workload as stored.</summary>
/// <param name="Name">The unique name.</param>
/// <param name="RemoteUrl">The remote MCP server's URL.</param>
/// <param name="Transport">The remote transport: <c>streamable-http</c> or <c>sse</c>.</param>
/// <param name="Port">The stable local port; <see langword="null"/> until one is assigned.</param>
/// <param name="Config">The non-secret options.</param>
/// <param name="DesiredState">What the user asked for.</param>
/// <param name="Status">The last status recorded.</param>
/// <param name="StatusReason">The reason of the last transition; never a secret.</param>
/// <param name="CreatedAt">When the workload was added (set by the store).</param>
/// <param name="UpdatedAt">When the workload last changed (set by the store).</param>
public sealed record WorkloadRecord(
    string Name,
    string RemoteUrl,
    string Transport,
    int? Port,
    WorkloadConfig Config,
    DesiredState DesiredState = DesiredState.Running,
    WorkloadStatus Status = WorkloadStatus.Starting,
    string StatusReason = "",
    DateTimeOffset CreatedAt = default,
    DateTimeOffset UpdatedAt = default);
