using System.Collections.Concurrent;
using System.Text.Json;
using Tether.Api;
using Tether.Workloads;

namespace Tether.Dashboard;

/// <summary>
/// What the dashboard's event streams send: a snapshot of every workload, built from memory (each workload's history
/// is read from the store again only after one of its transitions), and a signal when a transition happens.
/// </summary>
internal sealed class DashboardFeed
{
    private readonly WorkloadApi _workloads;
    private readonly ConcurrentDictionary<string, IReadOnlyList<TransitionView>> _histories = new(StringComparer.Ordinal);
    private long _generation;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DashboardFeed(WorkloadApi workloads)
    {
        _workloads = workloads;
        workloads.Registry.Transitioned += OnTransitioned;
    }

    /// <summary>Completes at the next transition of any workload.</summary>
    public Task Changed => Volatile.Read(ref _changed).Task;

    /// <summary>The snapshot as the JSON of one event.</summary>
    public async Task<string> SnapshotJsonAsync(CancellationToken cancellationToken)
    {
        var views = _workloads.List(all: true);
        var workloads = new List<DashboardWorkload>(views.Count);
        foreach (var view in views)
        {
            if (!_histories.TryGetValue(view.Name, out var history))
            {
                var generation = Interlocked.Read(ref _generation);
                try
                {
                    history = (await _workloads.GetAsync(view.Name, cancellationToken)).History;
                }
                catch (WorkloadException)
                {
                    continue; // removed meanwhile
                }

                // A transition while the store was read may be missing from it: keep it only if none happened.
                if (Interlocked.Read(ref _generation) == generation)
                {
                    _histories[view.Name] = history;
                }
            }

            workloads.Add(new DashboardWorkload(view, history));
        }

        return JsonSerializer.Serialize(new DashboardSnapshot(ApiEndpoints.Version, workloads), DashboardJson.Default.DashboardSnapshot);
    }

    private void OnTransitioned(string workload, StatusTransition transition)
    {
        Interlocked.Increment(ref _generation);
        _histories.TryRemove(workload, out _);
        Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
