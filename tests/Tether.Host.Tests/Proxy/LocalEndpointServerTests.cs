using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Tether.Proxy;

namespace Tether.Tests.Proxy;

/// <summary>Endpoints added to and removed from the one server while others keep serving.</summary>
public sealed class LocalEndpointServerTests : IAsyncLifetime
{
    private readonly ScriptedTokens _tokens = new();
    private readonly HttpClient _client = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
    private Upstream _upstream = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _upstream = await Upstream.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _upstream.DisposeAsync();
        _client.Dispose();
    }

    private Task<LocalEndpoint> StartAsync(string remotePath, int port = 0) =>
        LocalEndpoint.StartAsync(new LocalEndpointOptions("w", new Uri(_upstream.BaseUrl, remotePath), port, []), _tokens, NullLoggerFactory.Instance, Ct);

    [Fact]
    public async Task DisposeAsync_OneOfTwoEndpoints_ItsPortAndStreamClosedTheOtherServesAndThePortCanBeTakenAgain()
    {
        var streaming = await StartAsync("sse");
        await using var other = await StartAsync("mcp");
        using var events = await _client.GetAsync(streaming.Url, HttpCompletionOption.ResponseHeadersRead, Ct);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync(Ct));
        Assert.Equal("data: first", await reader.ReadLineAsync(Ct));

        await streaming.DisposeAsync();

        // The open event stream ends (reset or end of stream) without the upstream having finished it.
        var ended = await Record.ExceptionAsync(async () => await reader.ReadToEndAsync(Ct));
        Assert.True(ended is null or IOException or HttpRequestException, ended?.ToString());
        Assert.False(_upstream.ReleaseStream.Task.IsCompleted);
        using var refused = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(async () => await refused.ConnectAsync(IPAddress.Loopback, streaming.Port, Ct));
        using var answered = await _client.PostAsync(other.Url, new StringContent("{}", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);

        await using var again = await StartAsync("mcp", streaming.Port);
        using var reopened = await _client.PostAsync(again.Url, new StringContent("{}", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.OK, reopened.StatusCode);
    }

    [Fact]
    public async Task StartAsync_PortOfAnotherEndpointOnTheSameServer_PortInUseAndTheFirstStillServes()
    {
        await using var first = await StartAsync("mcp");

        var ex = await Assert.ThrowsAsync<LocalEndpointPortInUseException>(() => StartAsync("mcp", first.Port));

        Assert.Equal(first.Port, ex.Port);
        using var answered = await _client.PostAsync(first.Url, new StringContent("{}", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
    }

    [Fact]
    public async Task Handle_RequestOnOneEndpointsPort_ServedByThatEndpointsRules()
    {
        await using var first = await StartAsync("mcp");
        await using var second = await StartAsync("mcp");
        using var request = new HttpRequestMessage(HttpMethod.Post, first.Url) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };

        // The Host names the other endpoint's port: each listener accepts only its own.
        request.Headers.Host = "127.0.0.1:" + second.Port;
        using var response = await _client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.MisdirectedRequest, response.StatusCode);
        Assert.Empty(_upstream.Seen);
    }
}
