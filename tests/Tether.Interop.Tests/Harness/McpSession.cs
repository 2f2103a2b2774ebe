using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Tether.Interop.Harness;

/// <summary>An MCP client talking JSON-RPC over streamable HTTP to a Tether local endpoint, as an MCP client would.</summary>
public sealed class McpSession(Uri endpoint) : IDisposable
{
    private static readonly TimeSpan CallBound = TimeSpan.FromSeconds(60);
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { Timeout = Timeout.InfiniteTimeSpan };
    private string? _sessionId;
    private int _id;

    /// <summary><c>initialize</c> and <c>notifications/initialized</c>; keeps the session id the server gave, if any.</summary>
    public async Task<CallOutcome> InitializeAsync(CancellationToken cancellationToken)
    {
        var outcome = await PostAsync("initialize", """{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"interop-test","version":"1"}}""", cancellationToken);
        if (outcome.Succeeded)
        {
            await PostAsync(null, null, cancellationToken);
        }

        return outcome;
    }

    /// <summary>Calls the <c>echo</c> tool with <paramref name="message"/>.</summary>
    public Task<CallOutcome> EchoAsync(string message, CancellationToken cancellationToken) =>
        PostAsync("tools/call", JsonSerializer.Serialize(new { name = "echo", arguments = new { message } }), cancellationToken);

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();

    private async Task<CallOutcome> PostAsync(string? method, string? parameters, CancellationToken cancellationToken)
    {
        var body = method is null
            ? """{"jsonrpc":"2.0","method":"notifications/initialized"}"""
            : $$"""{"jsonrpc":"2.0","id":{{Interlocked.Increment(ref _id)}},"method":"{{method}}","params":{{parameters}}}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", "2025-06-18");
        if (_sessionId is not null)
        {
            request.Headers.Add("Mcp-Session-Id", _sessionId);
        }

        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(CallBound);
        using var response = await _http.SendAsync(request, bound.Token);
        if (method == "initialize" && response.Headers.TryGetValues("Mcp-Session-Id", out var ids))
        {
            _sessionId = ids.First();
        }

        var text = await response.Content.ReadAsStringAsync(bound.Token);
        if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
        {
            text = string.Join('\n', text.Split('\n').Where(l => l.StartsWith("data:", StringComparison.Ordinal)).Select(l => l[5..].Trim()));
        }

        return new CallOutcome(response.StatusCode, text, RetryAfter(response.Headers.RetryAfter));
    }

    private static TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header?.Delta;
}
