using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Tether.Proxy;

namespace Tether.Tests.Proxy;

/// <summary>
/// What the endpoint refuses: every request goes to the remote's origin and only to the workload's own paths, whatever
/// the request target says; web pages are refused; an oversize body gets a clear answer.
/// </summary>
public sealed class LocalEndpointBoundaryTests : IAsyncLifetime
{
    private readonly ScriptedTokens _tokens = new();
    private readonly HttpClient _client = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
    private Upstream _upstream = null!;
    private Upstream _other = null!;
    private LocalEndpoint _endpoint = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _upstream = await Upstream.StartAsync();
        _other = await Upstream.StartAsync();
        _endpoint = await LocalEndpoint.StartAsync(new LocalEndpointOptions("w", new Uri(_upstream.BaseUrl, "mcp"), 0, []), _tokens, NullLoggerFactory.Instance, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _endpoint.DisposeAsync();
        await _upstream.DisposeAsync();
        await _other.DisposeAsync();
        _client.Dispose();
    }

    /// <summary>A bound on a raw exchange, so that a hang fails the test instead of stalling the run.</summary>
    private static CancellationTokenSource Bounded()
    {
        var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bound.CancelAfter(TimeSpan.FromSeconds(60));
        return bound;
    }

    [Theory]
    [InlineData("//{other}/x")]
    [InlineData("//{other}/mcp")]
    [InlineData("/..//{other}/x")]
    [InlineData("/.//{other}/x")]
    [InlineData("//user@{other}/x")]
    [InlineData("//user:pw@{other}/mcp")]
    [InlineData("/%2F{other}/x")]
    [InlineData("/%2f%2f{other}/x")]
    [InlineData("/\\{other}/x")]
    [InlineData("/\\\\{other}/x")]
    public async Task Post_PathNamingAnotherHost_NothingReachesIt(string target)
    {
        using var bound = Bounded();
        var path = target.Replace("{other}", _other.BaseUrl.Authority, StringComparison.Ordinal);

        var status = await RawHttp.SendAsync(_endpoint.Port, $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{_endpoint.Port}\r\nContent-Type: application/json\r\nContent-Length: 2", "{}"u8.ToArray(), bound.Token);

        Assert.Empty(_other.Seen);
        Assert.Empty(_upstream.Seen);
        Assert.Contains(status, new[] { 400, 404 });
    }

    [Theory]
    [InlineData("http://127.0.0.1:{local}//{other}/x")]
    [InlineData("http://127.0.0.1:{local}//{other}/mcp")]
    [InlineData("http://127.0.0.1:{local}/..//{other}/x")]
    [InlineData("http://{other}/mcp")]
    public async Task Post_AbsoluteFormTarget_NothingReachesAnotherHost(string target)
    {
        using var bound = Bounded();
        var url = target.Replace("{other}", _other.BaseUrl.Authority, StringComparison.Ordinal).Replace("{local}", _endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        var status = await RawHttp.SendAsync(_endpoint.Port, $"POST {url} HTTP/1.1\r\nHost: 127.0.0.1:{_endpoint.Port}\r\nContent-Type: application/json\r\nContent-Length: 2", "{}"u8.ToArray(), bound.Token);

        Assert.Empty(_other.Seen);
        Assert.Empty(_upstream.Seen);
        Assert.Contains(status, new[] { 400, 404, 421 });
    }

    [Fact]
    public async Task Post_AbsoluteFormTargetForTheMcpPath_ForwardedToTheRemote()
    {
        using var bound = Bounded();

        var status = await RawHttp.SendAsync(_endpoint.Port, $"POST http://127.0.0.1:{_endpoint.Port}/mcp HTTP/1.1\r\nHost: 127.0.0.1:{_endpoint.Port}\r\nContent-Type: application/json\r\nContent-Length: 2", "{}"u8.ToArray(), bound.Token);

        Assert.Equal(200, status);
        Assert.Single(_upstream.Seen);
        Assert.Empty(_other.Seen);
    }

    [Theory]
    [InlineData("status/202")]
    [InlineData("guarded")]
    [InlineData("mcp/")]
    [InlineData("MCP")]
    [InlineData("mcp/../guarded")]
    public async Task Post_PathOtherThanTheWorkloads_404AndNothingForwarded(string path)
    {
        using var bound = Bounded();

        var status = await RawHttp.SendAsync(_endpoint.Port, $"POST /{path} HTTP/1.1\r\nHost: 127.0.0.1:{_endpoint.Port}\r\nContent-Type: application/json\r\nContent-Length: 2", "{}"u8.ToArray(), bound.Token);

        Assert.Equal(404, status);
        Assert.Empty(_upstream.Seen);
    }

    [Fact]
    public async Task Post_McpPathWithDotSegments_ForwardedToTheMcpPath()
    {
        using var bound = Bounded();

        var status = await RawHttp.SendAsync(_endpoint.Port, $"POST /x/../mcp HTTP/1.1\r\nHost: 127.0.0.1:{_endpoint.Port}\r\nContent-Type: application/json\r\nContent-Length: 2", "{}"u8.ToArray(), bound.Token);

        Assert.Equal(200, status);
        Assert.Single(_upstream.Seen);
    }

    [Theory]
    [InlineData("cross-site")]
    [InlineData("same-site")]
    [InlineData("CROSS-SITE")]
    public async Task Get_WebPageRequestWithoutOrigin_403AndNothingForwarded(string site)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _endpoint.Url);
        request.Headers.Add("Sec-Fetch-Site", site);
        request.Headers.Add("Sec-Fetch-Mode", "no-cors");

        using var response = await _client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(_upstream.Seen);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("same-origin")]
    public async Task Post_SecFetchSiteOfTheUserOrTheEndpointItself_Forwarded(string site)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint.Url) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.Add("Sec-Fetch-Site", site);

        using var response = await _client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_upstream.Seen);
    }

    [Fact]
    public async Task Post_DeclaredBodyOverTheLimit_413NotA502()
    {
        using var bound = Bounded();

        var status = await RawHttp.SendAsync(_endpoint.Port, $"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:{_endpoint.Port}\r\nContent-Type: application/json\r\nContent-Length: 40000000", new byte[64 * 1024], bound.Token);

        Assert.Equal(413, status);
    }

    [Fact]
    public async Task Post_ChunkedBodyGrowingOverTheLimit_413NotA502()
    {
        using var bound = Bounded();
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _endpoint.Port, bound.Token);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:{_endpoint.Port}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"), bound.Token);

        // The body is written while the answer is awaited: the endpoint answers as soon as the limit is passed and
        // stops reading, so the writer may be left blocked or reset; only the answer matters.
        var writing = WriteChunksAsync(stream, 40, bound.Token);
        var status = await RawHttp.ReadStatusAsync(stream, bound.Token);
        tcp.Client.Shutdown(System.Net.Sockets.SocketShutdown.Both);
        await writing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);

        Assert.Equal(413, status);
    }

    private static async Task WriteChunksAsync(Stream stream, int megabytes, CancellationToken cancellationToken)
    {
        var chunk = new byte[1024 * 1024];
        var header = Encoding.ASCII.GetBytes($"{chunk.Length:x}\r\n");
        for (var i = 0; i < megabytes; i++)
        {
            await stream.WriteAsync(header, cancellationToken);
            await stream.WriteAsync(chunk, cancellationToken);
            await stream.WriteAsync("\r\n"u8.ToArray(), cancellationToken);
        }

        await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), cancellationToken);
    }
}
