namespace Tether.Workloads;

/// <summary>A workload's local endpoint as its controller sees it: where it listens, and a way to close it.</summary>
internal interface IWorkloadEndpoint : IAsyncDisposable
{
    /// <summary>The URL to give the MCP client.</summary>
    Uri Url { get; }
}
