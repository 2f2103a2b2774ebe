using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Tether.Proxy;
using Tether.Tokens;

namespace Tether.Tests.Proxy;

/// <summary>An upstream 401 on any method, and step-up (403 insufficient_scope), through a real local endpoint.</summary>
public sealed class LocalEndpointRetryTests : IAsyncLifetime
{
    private readonly ScriptedTokens _tokens = new();
    private readonly HttpClient _client = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
    private readonly List<IReadOnlyList<string>> _stepUps = [];
    private Upstream _upstream = null!;
    private readonly List<LocalEndpoint> _endpoints = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _upstream = await Upstream.StartAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var endpoint in _endpoints)
        {
            await endpoint.DisposeAsync();
        }

        await _upstream.DisposeAsync();
        _client.Dispose();
    }

    /// <summary>The local URL of a workload whose remote MCP URL is the upstream's <paramref name="path"/>.</summary>
    private async Task<Uri> LocalAsync(string path)
    {
        var options = new LocalEndpointOptions("w", new Uri(_upstream.BaseUrl, path), 0, [])
        {
            OnStepUp = scopes =>
            {
                lock (_stepUps)
                {
                    _stepUps.Add(scopes);
                }

                return Task.CompletedTask;
            },
        };
        var endpoint = await LocalEndpoint.StartAsync(options, _tokens, NullLoggerFactory.Instance, Ct);
        _endpoints.Add(endpoint);
        return new Uri($"http://127.0.0.1:{endpoint.Port}/{path}");
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("DELETE")]
    public async Task GetOrDelete_UpstreamRejectsToken_OneRefreshAndTheRequestSentAgain(string method)
    {
        using var response = await _client.SendAsync(new HttpRequestMessage(new HttpMethod(method), await LocalAsync("guarded")), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"{method} ok", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(["at-1"], _tokens.Rejected);
        Assert.Equal(["Bearer at-1", "Bearer at-2"], _upstream.Seen.Select(h => h.Authorization.ToString()));
    }

    [Fact]
    public async Task Get_FreshTokenRejectedToo_503NamingTheFix()
    {
        _upstream.RejectedTokens.Add("at-2");
        _tokens.OnRejected = rejected => rejected == "at-1"
            ? TokenAnswer.FromToken("at-2")
            : new TokenAnswer(TokenAnswerKind.Unauthenticated, null, 0, "w needs a new sign-in: run 'tether reauth w'");

        using var response = await _client.GetAsync(await LocalAsync("guarded"), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("tether reauth w", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(["at-1", "at-2"], _tokens.Rejected);
    }

    [Fact]
    public async Task Post_StepUpChallenge_JsonRpcErrorNamingTheScopesAndReauthAndTheScopesRecorded()
    {
        _tokens.Answer = TokenAnswer.FromToken("at-good");

        using var response = await _client.PostAsync(await LocalAsync("scoped"), new StringContent("""{"jsonrpc":"2.0","id":7,"method":"tools/call"}""", Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(response.Headers.WwwAuthenticate);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("\"id\":7", body, StringComparison.Ordinal);
        Assert.Contains("files:read files:write", body, StringComparison.Ordinal);
        Assert.Contains("tether reauth w", body, StringComparison.Ordinal);
        Assert.Equal([["files:read", "files:write"]], _stepUps);
        Assert.Empty(_tokens.Rejected);
    }

    [Fact]
    public async Task Post_PlainForbidden_PassedThroughUnchanged()
    {
        using var response = await _client.PostAsync(await LocalAsync("status/403"), new StringContent("{}", Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(_stepUps);
    }
}
