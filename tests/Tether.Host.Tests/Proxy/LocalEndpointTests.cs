using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Tether.Proxy;
using Tether.Tokens;

namespace Tether.Tests.Proxy;

public sealed class LocalEndpointTests : IAsyncLifetime
{
    private readonly ScriptedTokens _tokens = new();
    private readonly HttpClient _client = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
    private readonly List<LocalEndpoint> _others = [];
    private Upstream _upstream = null!;
    private LocalEndpoint _endpoint = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _upstream = await Upstream.StartAsync();
        _endpoint = await LocalEndpoint.StartAsync(
            new LocalEndpointOptions("w", new Uri(_upstream.BaseUrl, "mcp"), 0, [KeyValuePair.Create("X-Team", "blue")]), _tokens, NullLoggerFactory.Instance, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var other in _others)
        {
            await other.DisposeAsync();
        }

        await _endpoint.DisposeAsync();
        await _upstream.DisposeAsync();
        _client.Dispose();
    }

    private Uri Local(string path) => new($"http://127.0.0.1:{_endpoint.Port}/{path}");

    /// <summary>The local URL of a workload whose remote MCP URL is <paramref name="remotePathAndQuery"/> on the upstream.</summary>
    private async Task<Uri> Through(string remotePathAndQuery)
    {
        var endpoint = await LocalEndpoint.StartAsync(new LocalEndpointOptions("w", new Uri(_upstream.BaseUrl, remotePathAndQuery), 0, []), _tokens, NullLoggerFactory.Instance, Ct);
        _others.Add(endpoint);
        return endpoint.Url;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Post_ClientAuthorizationReplacedByTethersBearer_McpHeadersBothWays()
    {
        _tokens.Answer = TokenAnswer.FromToken("at-good");
        using var request = new HttpRequestMessage(HttpMethod.Post, Local("mcp")) { Content = Json("""{"jsonrpc":"2.0","id":1,"method":"ping"}""") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "client-own-token");
        request.Headers.Add("Mcp-Session-Id", "s-1");
        request.Headers.Add("MCP-Protocol-Version", "2025-06-18");
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");

        using var response = await _client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("session-9", response.Headers.GetValues("Mcp-Session-Id").Single());
        Assert.Equal("""{"jsonrpc":"2.0","id":1,"method":"ping"}""", await response.Content.ReadAsStringAsync(Ct));
        var seen = _upstream.Seen.Last();
        Assert.Equal("Bearer at-good", seen.Authorization.ToString());
        Assert.Equal("s-1", seen["Mcp-Session-Id"].ToString());
        Assert.Equal("2025-06-18", seen["MCP-Protocol-Version"].ToString());
        Assert.Equal("blue", seen["X-Team"].ToString());
        Assert.Equal(_upstream.BaseUrl.Authority, seen.Host.ToString());
    }

    [Fact]
    public async Task Post_EveryMcpHeaderTheSpecNames_ReachesTheRemoteUnchanged()
    {
        _tokens.Answer = TokenAnswer.FromToken("at-good");
        using var request = new HttpRequestMessage(HttpMethod.Post, Local("mcp")) { Content = Json("""{"jsonrpc":"2.0","id":2,"method":"tools/call"}""") };
        request.Headers.Add("Mcp-Session-Id", "s-2");
        request.Headers.Add("MCP-Protocol-Version", "2025-11-25");
        request.Headers.Add("Mcp-Method", "tools/call");
        request.Headers.Add("Mcp-Name", "echo");
        request.Headers.Add("Last-Event-ID", "ev-41");
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");

        using var response = await _client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = _upstream.Seen.Last();
        Assert.Equal("s-2", seen["Mcp-Session-Id"].ToString());
        Assert.Equal("2025-11-25", seen["MCP-Protocol-Version"].ToString());
        Assert.Equal("tools/call", seen["Mcp-Method"].ToString());
        Assert.Equal("echo", seen["Mcp-Name"].ToString());
        Assert.Equal("ev-41", seen["Last-Event-ID"].ToString());
        Assert.Equal("application/json, text/event-stream", seen.Accept.ToString());
    }

    [Fact]
    public async Task Post_CookiesABrowserHoldsFor127001_NotSentToTheRemoteServer()
    {
        // Browsers send cookies by host, not port: the dashboard's session cookie comes along to every endpoint.
        _tokens.Answer = TokenAnswer.FromToken("at-good");
        using var request = new HttpRequestMessage(HttpMethod.Post, Local("mcp")) { Content = Json("""{"jsonrpc":"2.0","id":1,"method":"ping"}""") };
        request.Headers.Add("Cookie", "tether_dashboard=session-secret; other=1");

        using var response = await _client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = _upstream.Seen.Last();
        Assert.False(seen.ContainsKey("Cookie"), seen["Cookie"].ToString());
        Assert.Equal("Bearer at-good", seen.Authorization.ToString());
    }

    [Theory]
    [InlineData(202)]
    [InlineData(404)]
    [InlineData(405)]
    public async Task Post_UpstreamStatus_Kept(int status)
    {
        using var response = await _client.PostAsync(await Through($"status/{status}"), Json("{}"), Ct);

        Assert.Equal(status, (int)response.StatusCode);
    }

    [Fact]
    public async Task Get_Sse_FirstEventArrivesWhileTheUpstreamStillHoldsTheStream()
    {
        using var response = await _client.GetAsync(await Through("sse"), HttpCompletionOption.ResponseHeadersRead, Ct);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));

        var first = await reader.ReadLineAsync(Ct).AsTask().WaitAsync(TimeSpan.FromMinutes(1), Ct);
        Assert.False(_upstream.ReleaseStream.Task.IsCompleted);
        _upstream.ReleaseStream.SetResult();
        var rest = await reader.ReadToEndAsync(Ct);

        Assert.Equal("data: first", first);
        Assert.Contains("data: second", rest, StringComparison.Ordinal);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Get_EventStreamQuietForLongerThanYarpsDefaultIdleTimeout_StaysOpen()
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bound.CancelAfter(TimeSpan.FromSeconds(150));
        using var response = await _client.GetAsync(await Through("quiet-sse?seconds=105"), HttpCompletionOption.ResponseHeadersRead, bound.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(bound.Token));

        var events = await reader.ReadToEndAsync(bound.Token);

        Assert.Equal("data: hello\n\ndata: still here\n\n", events);
    }

    [Fact]
    public async Task Get_LegacySseEndpointEventWithTheRemotesAbsoluteUrl_PointsAtTheLocalEndpoint()
    {
        var local = await Through("legacy-sse");
        var events = await _client.GetStringAsync(local, Ct);

        Assert.Contains($"event: endpoint\ndata: http://127.0.0.1:{local.Port}/message?sessionId=abc\n\n", events, StringComparison.Ordinal);
        Assert.Contains($"data: {_upstream.BaseUrl}untouched", events, StringComparison.Ordinal);
        Assert.StartsWith(": hello\n\n", events, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_LegacySseEndpointEventWithAPath_Unchanged()
    {
        var events = await _client.GetStringAsync(await Through("legacy-sse?absolute=false"), Ct);

        Assert.Contains("event: endpoint\ndata: /message?sessionId=abc\n\n", events, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("legacy-sse?hold=true")]
    [InlineData("legacy-sse?hold=true&absolute=false")]
    public async Task Post_MessagePathAnnouncedByAnOpenLegacyStream_ForwardedAndOtherPathsStill404(string stream)
    {
        var local = await Through(stream);
        using var events = await _client.GetAsync(local, HttpCompletionOption.ResponseHeadersRead, Ct);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync(Ct));
        string? line;
        while ((line = await reader.ReadLineAsync(Ct)) is not null && line != "event: endpoint")
        {
        }

        var announced = new Uri(local, (await reader.ReadLineAsync(Ct))!["data: ".Length..]);
        using var posted = await _client.PostAsync(announced, Json("{}"), Ct);
        using var elsewhere = await _client.PostAsync(new Uri(local, "/status/202"), Json("{}"), Ct);
        _upstream.ReleaseStream.SetResult();

        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        Assert.Equal("accepted abc", await posted.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
    }

    [Fact]
    public async Task Post_MessagePathNeverAnnounced_404()
    {
        var local = await Through("legacy-sse");

        using var posted = await _client.PostAsync(new Uri(local, "/message?sessionId=abc"), Json("{}"), Ct);

        Assert.Equal(HttpStatusCode.NotFound, posted.StatusCode);
        Assert.Empty(_upstream.Seen);
    }

    [Fact]
    public async Task Post_UpstreamRejectsToken_OneRefreshAndTheRequestSentAgain()
    {
        using var response = await _client.PostAsync(await Through("guarded"), Json("""{"jsonrpc":"2.0","id":3}"""), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""ok {"jsonrpc":"2.0","id":3}""", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(["at-1"], _tokens.Rejected);
    }

    [Fact]
    public async Task Post_FreshTokenRejectedToo_503AndTheEngineIsTold()
    {
        _upstream.RejectedTokens.Add("at-2");
        _tokens.OnRejected = rejected => rejected == "at-1"
            ? TokenAnswer.FromToken("at-2")
            : new TokenAnswer(TokenAnswerKind.Unauthenticated, null, 0, "w needs a new sign-in: run 'tether reauth w'");

        using var response = await _client.PostAsync(await Through("guarded"), Json("""{"jsonrpc":"2.0","id":4}"""), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("tether reauth w", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(["at-1", "at-2"], _tokens.Rejected);
    }

    [Fact]
    public async Task Post_Retrying_503WithRetryAfterAndJsonRpcErrorEchoingTheId()
    {
        _tokens.Answer = new TokenAnswer(TokenAnswerKind.Retrying, null, 42, "token endpoint answered http 503");
        var before = _upstream.Seen.Count;

        using var response = await _client.PostAsync(Local("mcp"), Json("""{"jsonrpc":"2.0","id":"abc","method":"tools/list"}"""), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(42), response.Headers.RetryAfter!.Delta);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("\"id\":\"abc\"", body, StringComparison.Ordinal);
        Assert.Contains("\"code\":-32001", body, StringComparison.Ordinal);
        Assert.Equal(before, _upstream.Seen.Count);
    }

    [Fact]
    public async Task Post_RetryingWithAChunkedBody_503EchoesTheIdAsForAKnownLength()
    {
        _tokens.Answer = new TokenAnswer(TokenAnswerKind.Retrying, null, 7, "token endpoint answered http 503");
        using var request = new HttpRequestMessage(HttpMethod.Post, Local("mcp")) { Content = Json("""{"jsonrpc":"2.0","id":77,"method":"tools/call"}""") };
        request.Headers.TransferEncodingChunked = true;

        using var response = await _client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("\"id\":77", body, StringComparison.Ordinal);
        Assert.Contains("\"code\":-32001", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_RetryingWithAChunkedBodyLargerThanItReads_503WithANullId()
    {
        _tokens.Answer = new TokenAnswer(TokenAnswerKind.Retrying, null, 7, "token endpoint answered http 503");
        var padding = new string(' ', 70 * 1024);
        using var request = new HttpRequestMessage(HttpMethod.Post, Local("mcp")) { Content = Json("{\"jsonrpc\":\"2.0\",\"id\":78," + padding + "\"method\":\"ping\"}") };
        request.Headers.TransferEncodingChunked = true;

        using var response = await _client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("\"id\":null", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_RetryingWithAChunkedBodyThatStalls_503WithANullIdAfterABoundedWait()
    {
        _tokens.Answer = new TokenAnswer(TokenAnswerKind.Retrying, null, 7, "token endpoint answered http 503");
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, _endpoint.Port, Ct);
        await using var stream = new System.Net.Sockets.NetworkStream(socket);
        // Headers and a first chunk, then nothing: the body never ends while the connection stays open.
        var partial = """{"jsonrpc":"2.0","id":79,""";
        var head = $"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:{_endpoint.Port}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{partial.Length:x}\r\n{partial}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), Ct);

        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(60), Ct);
        Assert.Equal("HTTP/1.1 503 Service Unavailable", statusLine);
        string? body;
        do
        {
            body = await reader.ReadLineAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(60), Ct);
        }
        while (body is not null && !body.Contains("-32001", StringComparison.Ordinal));

        Assert.NotNull(body);
        Assert.Contains("\"id\":null", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_Unauthenticated_503NamingTheFixAndNotA401()
    {
        _tokens.Answer = new TokenAnswer(TokenAnswerKind.Unauthenticated, null, 0, "w needs a new sign-in (invalid_grant): run 'tether reauth w'");

        using var response = await _client.PostAsync(Local("mcp"), Json("""{"jsonrpc":"2.0","id":1}"""), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("tether reauth w", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_ForeignOrigin_403()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Local("mcp")) { Content = Json("{}") };
        request.Headers.Add("Origin", "https://evil.example");

        using var response = await _client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(_upstream.Seen);
    }

    [Fact]
    public async Task Post_ForeignHost_Refused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Local("mcp")) { Content = Json("{}") };
        request.Headers.Host = "attacker.example:" + _endpoint.Port;

        using var response = await _client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.MisdirectedRequest, response.StatusCode);
        Assert.Empty(_upstream.Seen);
    }

    [Fact]
    public async Task Get_UpstreamRedirect_PassedBackNotFollowed()
    {
        using var response = await _client.GetAsync(await Through("redirect"), Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Single(_upstream.Seen);
    }

    [Fact]
    public async Task StartAsync_PortTaken_ClearError()
    {
        var ex = await Assert.ThrowsAsync<LocalEndpointPortInUseException>(() =>
            LocalEndpoint.StartAsync(new LocalEndpointOptions("w2", new Uri(_upstream.BaseUrl, "mcp"), _endpoint.Port, []), _tokens, NullLoggerFactory.Instance, Ct));

        Assert.Equal(_endpoint.Port, ex.Port);
        Assert.Contains("in use", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Url_LocalPathMirrorsTheRemotePath() =>
        Assert.Equal($"http://127.0.0.1:{_endpoint.Port}/mcp", _endpoint.Url.AbsoluteUri);
}
