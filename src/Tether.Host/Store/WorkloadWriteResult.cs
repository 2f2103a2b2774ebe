namespace Tether.Store;

/// <summary>The outcome of a write to the workloads table.</summary>
public enum WorkloadWriteResult
{
    /// <summary>Written.</summary>
    Done,

    /// <summary>Another workload already has that name.</summary>
    NameTaken,

    /// <summary>No workload has that name.</summary>
    NotFound,
}
