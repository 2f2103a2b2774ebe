namespace Tether.Api;

/// <summary>A workload's health for aggregators: <c>GET /api/v1/workloads/{name}/health</c>.</summary>
/// <param name="Name">The workload.</param>
/// <param name="Health">healthy, degraded, unauthenticated, unknown or unhealthy.</param>
/// <param name="Status">The status behind it.</param>
/// <param name="StatusReason">Why.</param>
public sealed record WorkloadHealthView(string Name, string Health, string Status, string StatusReason);
