using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Tether.LoadDriver;

/// <summary>One MCP session at one URL (the sandbox straight, or through a local endpoint), driven with <c>tools/call</c>.</summary>
internal sealed class McpTarget(string name, Uri url, string? bearer, string tool = "echo") : ILoadTarget
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, MaxConnectionsPerServer = 1024 });
    private string? _session;

    public string Name { get; } = name;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        // The client's name carries the tool: a server on the MCP TypeScript SDK picks JSON or an event stream per session.
        using var response = await SendAsync(
            """{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"tether-load-"""
            + tool + "\",\"version\":\"1\"}}}", cancellationToken);
        response.EnsureSuccessStatusCode();
        _session = response.Headers.TryGetValues("Mcp-Session-Id", out var ids) ? ids.Single() : null;
        await response.Content.ReadAsStringAsync(cancellationToken);
        using var initialized = await SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", cancellationToken);
        initialized.EnsureSuccessStatusCode();
    }

    /// <summary>Runs <paramref name="concurrency"/> callers for <paramref name="duration"/>; every call must come back 200 with the echo.</summary>
    public async Task<LoadResult> RunAsync(int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        var stop = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(() => CallerAsync(w, stop, duration, cancellationToken), cancellationToken)).ToArray();
        var results = await Task.WhenAll(workers);
        var elapsed = stop.Elapsed;
        var latencies = results.SelectMany(r => r.Latencies).Select(Figures.Milliseconds).Order().ToArray();
        return new LoadResult(Name, concurrency, latencies.Length / elapsed.TotalSeconds, latencies, results.Sum(r => r.Errors));
    }

    public void Dispose() => _http.Dispose();

    private async Task<(List<long> Latencies, int Errors)> CallerAsync(int worker, Stopwatch clock, TimeSpan duration, CancellationToken cancellationToken)
    {
        var latencies = new List<long>(65536);
        var errors = 0;
        for (var i = 0; clock.Elapsed < duration; i++)
        {
            var text = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"hello-{worker}-{i}");
            // Ids unique in the session: the callers share it, and a server matches answers to requests by id.
            var id = ((long)worker << 32) + i + 1;
            var body = "{\"jsonrpc\":\"2.0\",\"id\":" + id.ToString(System.Globalization.CultureInfo.InvariantCulture)
                + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\",\"arguments\":{\"message\":\"" + text + "\"}}}";
            var start = Stopwatch.GetTimestamp();
            using var response = await SendAsync(body, cancellationToken);
            var answer = await response.Content.ReadAsStringAsync(cancellationToken);
            latencies.Add(Stopwatch.GetTimestamp() - start);
            if (response.StatusCode != HttpStatusCode.OK || !answer.Contains(text, StringComparison.Ordinal))
            {
                errors++;
            }
        }

        return (latencies, errors);
    }

    private Task<HttpResponseMessage> SendAsync(string json, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", "2025-06-18");
        if (_session is not null)
        {
            request.Headers.Add("Mcp-Session-Id", _session);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }
}

/// <summary>Throughput and latency of one run.</summary>
internal sealed record LoadResult(string Target, int Concurrency, double RequestsPerSecond, double[] LatenciesMs, int Errors)
{
    public double P50 => Figures.Percentile(LatenciesMs, 0.50);

    public double P99 => Figures.Percentile(LatenciesMs, 0.99);

    public void Print() => Figures.Line(
        $"  {Target,-7} c={Concurrency,-3} {RequestsPerSecond,8:0} req/s  p50 {P50,7:0.000} ms  p99 {P99,7:0.000} ms  max {LatenciesMs[^1],8:0.0} ms  calls {LatenciesMs.Length}  errors {Errors}");
}
