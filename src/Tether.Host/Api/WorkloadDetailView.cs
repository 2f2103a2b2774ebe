namespace Tether.Api;

/// <summary>A workload with its transition history (newest last), for <c>tether status NAME</c>.</summary>
/// <param name="Workload">The workload.</param>
/// <param name="History">Its transitions, oldest first.</param>
public sealed record WorkloadDetailView(WorkloadView Workload, IReadOnlyList<TransitionView> History);
