namespace Tether.Workloads;

/// <summary>Receives every status transition of one workload, in order (the store persists them).</summary>
/// <remarks>
/// Called under the status owner's lock, and under the engine's: implementations must be quick (queue any I/O, keeping
/// the order) and must not call back into the workload.
/// </remarks>
public interface IStatusSink
{
    /// <summary>Records a transition.</summary>
    void OnTransition(string workload, StatusTransition transition);
}
