namespace Tether.Sandbox;

/// <summary>What reached the sandbox: token-endpoint requests (faulted ones included) and MCP requests.</summary>
public sealed class SandboxCounters
{
    private int _tokenRequests;
    private int _mcpRequests;

    /// <summary>Requests to the token endpoint.</summary>
    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    /// <summary>Requests to the MCP server (rejected ones included).</summary>
    public int McpRequests => Volatile.Read(ref _mcpRequests);

    /// <summary>Sets both back to zero.</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _tokenRequests, 0);
        Interlocked.Exchange(ref _mcpRequests, 0);
    }

    internal void CountToken() => Interlocked.Increment(ref _tokenRequests);

    internal void CountMcp() => Interlocked.Increment(ref _mcpRequests);
}
