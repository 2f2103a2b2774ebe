namespace Tether.Workloads;

/// <summary>
/// The one owner of a workload's status: checks every transition against <see cref="IsAllowed"/>, keeps the reason and
/// the last <see cref="KeptHistory"/> transitions, and hands each accepted transition to the sink, all under one lock.
/// </summary>
/// <remarks>
/// The sink is called under this lock (and under the engine's when the engine moves the status), so that transitions
/// reach it in order: it must only queue (the store writes to SQLite from its own queue, outside both locks).
/// Once a workload is stopping, stopped or removing, the engine's statuses (running, auth_retrying, unauthenticated)
/// are refused: a late answer from a refresh that was in flight changes nothing.
/// </remarks>
public sealed class WorkloadStatusTracker
{
    /// <summary>How many transitions are kept in memory (the store keeps as many).</summary>
    public const int KeptHistory = 100;

    private readonly object _lock = new();
    private readonly Queue<StatusTransition> _history = new();
    private readonly IStatusSink _sink;
    private readonly TimeProvider _time;

    /// <summary>Creates the owner of <paramref name="workload"/>'s status, starting at <paramref name="initial"/>.</summary>
    public WorkloadStatusTracker(string workload, WorkloadStatus initial, IStatusSink sink, TimeProvider time)
    {
        Workload = workload;
        Status = initial;
        _sink = sink;
        _time = time;
        UpdatedAt = time.GetUtcNow();
    }

    /// <summary>Raised after each accepted transition, outside the lock.</summary>
    public event Action<StatusTransition>? Transitioned;

    /// <summary>The workload's name.</summary>
    public string Workload { get; }

    /// <summary>The current status.</summary>
    public WorkloadStatus Status { get; private set; }

    /// <summary>Why the workload is in its status, or what it is doing about it.</summary>
    public string Reason { get; private set; } = "";

    /// <summary>When the status or reason last changed.</summary>
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>The transitions kept in memory, oldest first.</summary>
    public IReadOnlyList<StatusTransition> History
    {
        get
        {
            lock (_lock)
            {
                return [.. _history];
            }
        }
    }

    /// <summary>Whether the state machine has an edge from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static bool IsAllowed(WorkloadStatus from, WorkloadStatus to) => (from, to) switch
    {
        (WorkloadStatus.Removing, _) => false,
        (_, WorkloadStatus.Removing) => from is WorkloadStatus.Stopped or WorkloadStatus.Error,
        (WorkloadStatus.Stopped, WorkloadStatus.Starting) => true,
        (WorkloadStatus.Stopped, _) => false,
        (WorkloadStatus.Stopping, WorkloadStatus.Stopped) => true,
        (WorkloadStatus.Stopping, _) => false,
        (_, WorkloadStatus.Stopping) => true,
        (_, WorkloadStatus.Error) => true,
        (WorkloadStatus.Error or WorkloadStatus.Unauthenticated, WorkloadStatus.Starting) => true,
        (WorkloadStatus.Starting, WorkloadStatus.Authenticating or WorkloadStatus.Running or WorkloadStatus.AuthRetrying or WorkloadStatus.Unauthenticated) => true,
        (WorkloadStatus.Authenticating, WorkloadStatus.Running) => true,
        (WorkloadStatus.Running, WorkloadStatus.AuthRetrying or WorkloadStatus.Unauthenticated) => true,
        (WorkloadStatus.AuthRetrying, WorkloadStatus.Running or WorkloadStatus.Unauthenticated) => true,
        _ => false,
    };

    /// <summary>
    /// Moves to <paramref name="to"/> when the state machine allows it; a move to the current status only updates the
    /// reason. Returns whether anything changed.
    /// </summary>
    public bool TryTransition(WorkloadStatus to, string reason)
    {
        StatusTransition transition;
        lock (_lock)
        {
            if (Status == to)
            {
                SetReason_NeedsLock(reason);
                return true;
            }

            if (!IsAllowed(Status, to))
            {
                return false;
            }

            transition = new StatusTransition(_time.GetUtcNow(), Status, to, reason);
            Status = to;
            Reason = reason;
            UpdatedAt = transition.At;
            _history.Enqueue(transition);
            while (_history.Count > KeptHistory)
            {
                _history.Dequeue();
            }

            _sink.OnTransition(Workload, transition);
        }

        Transitioned?.Invoke(transition);
        return true;
    }

    /// <summary>Updates the reason when the status is still <paramref name="expected"/> (not a transition).</summary>
    public bool TrySetReason(WorkloadStatus expected, string reason)
    {
        lock (_lock)
        {
            if (Status != expected)
            {
                return false;
            }

            SetReason_NeedsLock(reason);
            return true;
        }
    }

    private void SetReason_NeedsLock(string reason)
    {
        if (Reason != reason)
        {
            Reason = reason;
            UpdatedAt = _time.GetUtcNow();
        }
    }
}
