namespace Tether.Proxy;

/// <summary>How one workload's local endpoint listens and where it forwards.</summary>
/// <param name="Workload">The workload's name (logs, errors).</param>
/// <param name="RemoteUrl">The remote MCP server; local paths map onto its origin one to one.</param>
/// <param name="Port">The loopback port; 0 picks a free one.</param>
/// <param name="Headers">Extra headers sent upstream (<c>--header</c>).</param>
public sealed record LocalEndpointOptions(string Workload, Uri RemoteUrl, int Port, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    /// <summary>Records the scopes of a step-up challenge (403 <c>insufficient_scope</c>) with the workload.</summary>
    public Func<IReadOnlyList<string>, Task>? OnStepUp { get; init; }
}
