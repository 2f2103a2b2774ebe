using System.Net;

namespace Tether.Interop.Harness;

/// <summary>What one MCP request through the local endpoint got.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Body">The JSON-RPC answer (the data of an event stream).</param>
/// <param name="RetryAfter">The <c>Retry-After</c> header, when sent.</param>
public sealed record CallOutcome(HttpStatusCode Status, string Body, TimeSpan? RetryAfter)
{
    /// <summary>A JSON-RPC result came back (not a JSON-RPC error, not an HTTP error).</summary>
    public bool Succeeded => Status == HttpStatusCode.OK && Body.Contains("\"result\"", StringComparison.Ordinal);
}
