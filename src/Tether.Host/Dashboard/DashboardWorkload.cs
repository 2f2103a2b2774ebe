using Tether.Api;

namespace Tether.Dashboard;

/// <summary>One workload as the dashboard shows it: the API's view plus its recent transitions, oldest first.</summary>
internal sealed record DashboardWorkload(WorkloadView Workload, IReadOnlyList<TransitionView> History);
