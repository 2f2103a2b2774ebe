namespace Tether.Dashboard;

/// <summary>What one server-sent <c>snapshot</c> event carries: every workload, by name.</summary>
internal sealed record DashboardSnapshot(string Version, IReadOnlyList<DashboardWorkload> Workloads);
