using Tether.Workloads;

namespace Tether.Tests.Fixtures;

/// <summary>An <see cref="IStatusSink"/> that keeps every transition it is given.</summary>
public sealed class RecordingSink : IStatusSink
{
    private readonly List<StatusTransition> _transitions = [];

    public IReadOnlyList<StatusTransition> Transitions
    {
        get
        {
            lock (_transitions)
            {
                return [.. _transitions];
            }
        }
    }

    public IReadOnlyList<WorkloadStatus> Statuses => Transitions.Select(t => t.To).ToList();

    public void OnTransition(string workload, StatusTransition transition)
    {
        lock (_transitions)
        {
            _transitions.Add(transition);
        }
    }
}
