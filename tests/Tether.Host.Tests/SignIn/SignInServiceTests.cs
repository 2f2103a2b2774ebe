using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Tether.Configuration;
using Tether.Sandbox;
using Tether.SignIn;
using Tether.Store;

namespace Tether.Tests.SignIn;

public sealed class SignInServiceTests : IAsyncLifetime
{
    private readonly string _home = Directory.CreateTempSubdirectory("tether-signin-").FullName;
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
    private SandboxServer _sandbox = null!;
    private TetherStore _store = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions(), Ct);
        _store = await TetherStore.OpenAsync(new TetherPaths(_home), KeySourceMode.File, TimeProvider.System, NullLoggerFactory.Instance, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _sandbox.DisposeAsync();
        _store.Dispose();
        _http.Dispose();
        Directory.Delete(_home, recursive: true);
    }

    private SignInService Service => new(_http, _store, TimeProvider.System, TimeSpan.FromMinutes(2));

    [Fact]
    public async Task SignInAsync_DynamicRegistrationAndPkce_TokensTheMcpServerAccepts()
    {
        var challenge = await Service.DetectAsync(_sandbox.McpUrl, Ct);
        Assert.NotNull(challenge);
        Assert.Equal(_sandbox.ResourceMetadataUrl, challenge.ResourceMetadata);

        var result = await Service.SignInAsync(new SignInRequest { McpUrl = _sandbox.McpUrl }, challenge, url => _ = _sandbox.CompleteSignInAsync(url, Ct), Ct);

        Assert.True(result.Client.ClientFromRegistration);
        Assert.Equal(_sandbox.Issuer.AbsoluteUri, result.Client.Issuer);
        Assert.Equal(_sandbox.McpUrl.AbsoluteUri, result.Client.Resource);
        Assert.Contains("offline_access", result.Client.Scope, StringComparison.Ordinal);
        Assert.NotNull(result.Tokens.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, await InitializeAsync(result.Tokens.AccessToken));
    }

    [Fact]
    public async Task SignInAsync_Twice_RegistrationCachedPerIssuerAndReused()
    {
        var challenge = await Service.DetectAsync(_sandbox.McpUrl, Ct);
        var first = await Service.SignInAsync(new SignInRequest { McpUrl = _sandbox.McpUrl }, challenge, url => _ = _sandbox.CompleteSignInAsync(url, Ct), Ct);
        var second = await Service.SignInAsync(new SignInRequest { McpUrl = _sandbox.McpUrl }, challenge, url => _ = _sandbox.CompleteSignInAsync(url, Ct), Ct);

        Assert.Equal(first.Client.ClientId, second.Client.ClientId);
        Assert.Single(await _store.ListRegistrationsAsync(_sandbox.Issuer.AbsoluteUri, Ct));
    }

    [Fact]
    public async Task SignInAsync_CachedRegistrationsCallbackPortTaken_RegistersANewClient()
    {
        var challenge = await Service.DetectAsync(_sandbox.McpUrl, Ct);
        var first = await Service.SignInAsync(new SignInRequest { McpUrl = _sandbox.McpUrl }, challenge, url => _ = _sandbox.CompleteSignInAsync(url, Ct), Ct);
        var cached = await _store.GetRegistrationAsync(_sandbox.Issuer.AbsoluteUri, RegistrationKind.Dynamic, first.Client.ClientId, Ct);
        using var holder = new System.Net.Sockets.TcpListener(IPAddress.Loopback, cached!.CallbackPort);
        holder.Start();

        var second = await Service.SignInAsync(new SignInRequest { McpUrl = _sandbox.McpUrl }, challenge, url => _ = _sandbox.CompleteSignInAsync(url, Ct), Ct);

        Assert.NotEqual(first.Client.ClientId, second.Client.ClientId);
        Assert.Equal(2, (await _store.ListRegistrationsAsync(_sandbox.Issuer.AbsoluteUri, Ct)).Count);
        Assert.Equal(HttpStatusCode.OK, await InitializeAsync(second.Tokens.AccessToken));
    }

    [Fact]
    public async Task SignInAsync_FourAtOnceWithACachedRegistration_EachGetsACallbackPortAndSignsIn()
    {
        // As 'tether run' for several workloads of one server at once: the cached client's callback port is free when
        // each looks, but only one can listen on it; the others register clients of their own instead of failing.
        var service = Service; // one per host, as the host has
        var challenge = await service.DetectAsync(_sandbox.McpUrl, Ct);
        await service.SignInAsync(new SignInRequest { McpUrl = _sandbox.McpUrl }, challenge, url => _ = _sandbox.CompleteSignInAsync(url, Ct), Ct);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() =>
            service.SignInAsync(new SignInRequest { McpUrl = _sandbox.McpUrl }, challenge, url => _ = _sandbox.CompleteSignInAsync(url, Ct), Ct), Ct)));

        foreach (var result in results)
        {
            Assert.Equal(HttpStatusCode.OK, await InitializeAsync(result.Tokens.AccessToken));
        }
    }

    [Fact]
    public async Task SignInAsync_ResourceTurnedOff_NoneKeptForRefresh()
    {
        var challenge = await Service.DetectAsync(_sandbox.McpUrl, Ct);

        var result = await Service.SignInAsync(new SignInRequest { McpUrl = _sandbox.McpUrl, SendResource = false }, challenge, url => _ = _sandbox.CompleteSignInAsync(url, Ct), Ct);

        Assert.Null(result.Client.Resource);
        Assert.Equal(HttpStatusCode.OK, await InitializeAsync(result.Tokens.AccessToken));
    }

    [Fact]
    public async Task SignInAsync_CallbackWithWrongState_IgnoredAndTheWaitGoesOn()
    {
        var challenge = await Service.DetectAsync(_sandbox.McpUrl, Ct);
        HttpStatusCode? forged = null;

        var result = await Service.SignInAsync(new SignInRequest { McpUrl = _sandbox.McpUrl }, challenge, url => _ = Task.Run(async () =>
        {
            var landing = await _sandbox.AuthorizeAsync(url, Ct);
            var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(landing.Query);
            using var wrong = await _http.GetAsync(new Uri($"{landing.GetLeftPart(UriPartial.Path)}?code={query["code"]}&state=forged"), Ct);
            forged = wrong.StatusCode;
            using var right = await _http.GetAsync(landing, Ct);
        }), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, forged);
        Assert.NotNull(result.Tokens.AccessToken);
    }

    [Theory]
    [InlineData("https://attacker.example/")]
    [InlineData(null)]
    public async Task SignInAsync_CallbackWithAnotherOrNoIssuer_RefusedAsMixUp(string? iss)
    {
        var challenge = await Service.DetectAsync(_sandbox.McpUrl, Ct);
        string? sentIss = null;

        var ex = await Assert.ThrowsAsync<SignInException>(() => Service.SignInAsync(new SignInRequest { McpUrl = _sandbox.McpUrl }, challenge, url => _ = Task.Run(async () =>
        {
            var landing = await _sandbox.AuthorizeAsync(url, Ct);
            var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(landing.Query);
            sentIss = query["iss"];
            var forged = new Dictionary<string, string?> { ["code"] = query["code"], ["state"] = query["state"] };
            if (iss is not null)
            {
                forged["iss"] = iss;
            }

            using var response = await _http.GetAsync(new Uri(Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(landing.GetLeftPart(UriPartial.Path), forged)), Ct);
        }), Ct));

        Assert.Equal(_sandbox.Issuer.AbsoluteUri, sentIss);
        Assert.Contains("iss mismatch", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignInAsync_NobodySignsIn_ClearTimeout()
    {
        var challenge = await Service.DetectAsync(_sandbox.McpUrl, Ct);

        var ex = await Assert.ThrowsAsync<SignInException>(() =>
            Service.SignInAsync(new SignInRequest { McpUrl = _sandbox.McpUrl, Timeout = TimeSpan.FromSeconds(1) }, challenge, _ => { }, Ct));

        Assert.Contains("not finished within", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignInAsync_FixedClientCallbackPortTaken_ClearError()
    {
        using var holder = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        _sandbox.RegisterClient("fixed", null, [new Uri($"http://127.0.0.1:{port}/callback")]);
        var challenge = await Service.DetectAsync(_sandbox.McpUrl, Ct);

        var ex = await Assert.ThrowsAsync<SignInException>(() =>
            Service.SignInAsync(new SignInRequest { McpUrl = _sandbox.McpUrl, ClientId = "fixed", CallbackPort = port }, challenge, _ => { }, Ct));

        Assert.Contains($"port {port}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("in use", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DetectAsync_ServerWithoutAuth_NoSignInNeeded()
    {
        await using var open = await Tether.Tests.Proxy.Upstream.StartAsync();

        Assert.Null(await Service.DetectAsync(new Uri(open.BaseUrl, "mcp"), Ct));
    }

    [Fact]
    public async Task DetectAsync_Unreachable_ClearError()
    {
        var ex = await Assert.ThrowsAsync<SignInException>(() => Service.DetectAsync(new Uri("http://127.0.0.1:9/mcp"), Ct));

        Assert.StartsWith("cannot reach http://127.0.0.1:9/mcp", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"issuer":"https://other.example","authorization_endpoint":"https://as.example/a","token_endpoint":"https://as.example/t","code_challenge_methods_supported":["S256"]}""", "names issuer")]
    [InlineData("""{"issuer":"https://as.example","authorization_endpoint":"https://as.example/a","token_endpoint":"https://as.example/t","code_challenge_methods_supported":["plain"]}""", "S256")]
    [InlineData("""{"issuer":"https://as.example","authorization_endpoint":"https://as.example/a","token_endpoint":"https://as.example/t"}""", "S256")]
    [InlineData("""{"issuer":"https://as.example","authorization_endpoint":"http://as.example/a","token_endpoint":"https://as.example/t","code_challenge_methods_supported":["S256"]}""", "not https")]
    [InlineData("""<html>not metadata</html>""", "not valid JSON")]
    [InlineData("""[1,2,3]""", "not a JSON object")]
    public async Task DiscoverAsync_BadMetadata_RefusedWithAClearReason(string body, string reason)
    {
        using var http = new HttpClient(new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") }));

        var ex = await Assert.ThrowsAsync<SignInException>(() => AuthorizationServerMetadata.DiscoverAsync(new MetadataFetcher(http, TimeProvider.System, TimeSpan.FromSeconds(15)), new Uri("https://as.example"), Ct));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiscoverAsync_HugeDocument_RefusedWithoutReadingItAll()
    {
        var huge = "{\"issuer\":\"" + new string('x', MetadataFetcher.MaxBytes * 4) + "\"}";
        using var http = new HttpClient(new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(huge) }));

        var ex = await Assert.ThrowsAsync<SignInException>(() => AuthorizationServerMetadata.DiscoverAsync(new MetadataFetcher(http, TimeProvider.System, TimeSpan.FromSeconds(15)), new Uri("https://as.example"), Ct));

        Assert.Contains("larger than", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiscoverAsync_RedirectElsewhere_Refused()
    {
        using var http = new HttpClient(new StubHandler(_ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.Found);
            response.Headers.Location = new Uri("https://attacker.example/.well-known/oauth-authorization-server");
            return response;
        }));

        var ex = await Assert.ThrowsAsync<SignInException>(() => AuthorizationServerMetadata.DiscoverAsync(new MetadataFetcher(http, TimeProvider.System, TimeSpan.FromSeconds(15)), new Uri("https://as.example"), Ct));

        Assert.Contains("redirects", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiscoverAsync_IssuerWithPath_TriesTheSpecOrder()
    {
        var asked = new List<string>();
        using var http = new HttpClient(new StubHandler(r =>
        {
            asked.Add(r.RequestUri!.AbsoluteUri);
            return new HttpResponseMessage(HttpStatusCode.NotFound);
        }));

        await Assert.ThrowsAsync<SignInException>(() => AuthorizationServerMetadata.DiscoverAsync(new MetadataFetcher(http, TimeProvider.System, TimeSpan.FromSeconds(15)), new Uri("https://as.example/tenant1"), Ct));

        Assert.Equal(
            [
                "https://as.example/.well-known/oauth-authorization-server/tenant1",
                "https://as.example/.well-known/openid-configuration/tenant1",
                "https://as.example/tenant1/.well-known/openid-configuration",
            ],
            asked);
    }

    [Fact]
    public void MetadataUrl_PlainHttpOffLoopback_Refused() =>
        Assert.Throws<SignInException>(() => MetadataFetcher.EnsureAllowed(new Uri("http://as.example/.well-known/x"), "metadata"));

    [Theory]
    [InlineData("Bearer resource_metadata=\"https://mcp.example/.well-known/oauth-protected-resource\", scope=\"a b\", error=\"invalid_token\"", "https://mcp.example/.well-known/oauth-protected-resource", "a b", "invalid_token")]
    [InlineData("Bearer scope=\"x,y\",resource_metadata=\"https://m.example/prm\"", "https://m.example/prm", "x,y", null)]
    [InlineData("Bearer realm=\"mcp\"", null, null, null)]
    public void AuthChallenge_Parse_BearerParameters(string header, string? metadata, string? scope, string? error)
    {
        var challenge = AuthChallenge.Parse([header])!;

        Assert.Equal(metadata, challenge.ResourceMetadata?.AbsoluteUri);
        Assert.Equal(scope, challenge.Scope);
        Assert.Equal(error, challenge.Error);
    }

    [Fact]
    public void AuthChallenge_Parse_NotBearer_Null() => Assert.Null(AuthChallenge.Parse(["Basic realm=\"x\""]));

    private async Task<HttpStatusCode> InitializeAsync(string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _sandbox.McpUrl)
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        using var response = await _http.SendAsync(request, Ct);
        return response.StatusCode;
    }

    private sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Task.FromResult(answer(request));
    }
}
