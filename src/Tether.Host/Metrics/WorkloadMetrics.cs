using System.Diagnostics.Metrics;
using Tether.Tokens;
using Tether.Workloads;

namespace Tether.Metrics;

/// <summary>
/// The host's observed instruments (meter <c>Tether.Workloads</c>), read at each scrape: the status of every workload
/// as one 0/1 series per status, and the time since its last successful refresh.
/// </summary>
internal sealed class WorkloadMetrics
{
    public const string MeterName = "Tether.Workloads";

    private static readonly WorkloadStatus[] Statuses = Enum.GetValues<WorkloadStatus>();

    private readonly TimeProvider _time;
    private WorkloadManager? _workloads;

    public WorkloadMetrics(IMeterFactory meters, TimeProvider time)
    {
        _time = time;

        // From the host's meter factory, so that the instruments go away with the host.
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("tether.workload.status", ObserveStatuses, "{workload}", "1 for the status each workload is in, 0 for the others.");
        meter.CreateObservableGauge("tether.token.since_last_refresh", ObserveSinceRefresh, "s", "Seconds since the token endpoint last gave a workload new tokens (absent before its first refresh in this host).");
    }

    /// <summary>Starts reporting <paramref name="workloads"/> (the manager is made after the web app is built).</summary>
    public void Attach(WorkloadManager workloads) => _workloads = workloads;

    private IEnumerable<Measurement<int>> ObserveStatuses()
    {
        if (_workloads is not { } workloads)
        {
            yield break;
        }

        foreach (var (name, current) in workloads.List(all: true).Select(w => (w.Name, w.Status)))
        {
            foreach (var status in Statuses)
            {
                yield return new Measurement<int>(status == current ? 1 : 0, new("workload", name), new("status", status.ToWire()));
            }
        }
    }

    private IEnumerable<Measurement<double>> ObserveSinceRefresh()
    {
        if (_workloads is not { } workloads)
        {
            yield break;
        }

        var now = _time.GetUtcNow();
        foreach (var (name, _) in workloads.List(all: true).Select(w => (w.Name, w.Status)))
        {
            if (TokenMetrics.LastSuccess(name) is { } at)
            {
                yield return new Measurement<double>(Math.Max(0, (now - at).TotalSeconds), new KeyValuePair<string, object?>("workload", name));
            }
        }
    }
}
