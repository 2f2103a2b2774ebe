namespace Tether.Workloads;

/// <summary>One change of a workload's status, as persisted and shown by <c>tether status NAME</c>.</summary>
/// <param name="At">When it happened.</param>
/// <param name="From">The status before.</param>
/// <param name="To">The status after.</param>
/// <param name="Reason">A one-line reason; never contains a secret.</param>
public sealed record StatusTransition(DateTimeOffset At, WorkloadStatus From, WorkloadStatus To, string Reason);
