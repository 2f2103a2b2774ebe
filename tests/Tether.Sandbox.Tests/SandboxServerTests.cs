using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using ModelContextProtocol.Authentication;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Tether.Sandbox;
using Tether.Sandbox.Faults;
using Tether.Tests.Fixtures;

namespace Tether.Tests;

public sealed class SandboxServerTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>, IDisposable
{
    private readonly SandboxServer _sandbox = fixture.Sandbox;

    public void Dispose()
    {
        _sandbox.Faults.Clear();
        _sandbox.AccessTokenLifetime = TimeSpan.FromMinutes(5);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task McpSdkClient_DynamicRegistrationAndPkce_SignsInAndCallsATool()
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = _sandbox.McpUrl,
            TransportMode = HttpTransportMode.StreamableHttp,
            OAuth = new ClientOAuthOptions
            {
                RedirectUri = OAuthFlow.Callback,
                DynamicClientRegistration = new DynamicClientRegistrationOptions { ClientName = "sdk-test" },
                AuthorizationCallbackHandler = async (context, ct) =>
                {
                    var landing = QueryHelpers.ParseQuery((await _sandbox.AuthorizeAsync(context.AuthorizationUri, ct)).Query);
                    return new AuthorizationResult { Code = landing["code"].ToString(), State = landing["state"].ToString(), Iss = landing["iss"].ToString() };
                },
            },
        }, http);

        await using var client = await McpClient.CreateAsync(transport, cancellationToken: Ct);
        var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "faithful" }, cancellationToken: Ct);

        Assert.Equal("faithful", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
        Assert.True(_sandbox.Counters.TokenRequests >= 1);
    }

    [Fact]
    public async Task Metadata_Rfc8414_S256OnlyIssParameterAndRegistration()
    {
        using var http = new HttpClient();
        using var json = JsonDocument.Parse(await http.GetStringAsync(new Uri(_sandbox.Issuer, ".well-known/oauth-authorization-server"), Ct));
        var root = json.RootElement;

        Assert.Equal(_sandbox.Issuer.AbsoluteUri, root.GetProperty("issuer").GetString());
        Assert.Equal(["S256"], root.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.True(root.GetProperty("authorization_response_iss_parameter_supported").GetBoolean());
        Assert.Equal(new Uri(_sandbox.Issuer, "register").AbsoluteUri, root.GetProperty("registration_endpoint").GetString());
        Assert.Contains("refresh_token", root.GetProperty("grant_types_supported").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Mcp_NoToken_401WithResourceMetadataChallengeAndRfc9728Document()
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(_sandbox.McpUrl, new StringContent("{}", Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.Single();
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains($"resource_metadata=\"{_sandbox.ResourceMetadataUrl}\"", challenge.Parameter, StringComparison.Ordinal);
        using var prm = JsonDocument.Parse(await http.GetStringAsync(_sandbox.ResourceMetadataUrl, Ct));
        Assert.Equal(_sandbox.McpUrl.AbsoluteUri, prm.RootElement.GetProperty("resource").GetString());
        Assert.Equal(_sandbox.Issuer.AbsoluteUri, prm.RootElement.GetProperty("authorization_servers")[0].GetString());
    }

    [Fact]
    public async Task AuthorizeAsync_SignIn_RedirectCarriesCodeStateAndIss()
    {
        using var flow = new OAuthFlow(_sandbox);
        var clientId = await flow.RegisterAsync(Ct);
        var (_, challenge) = OAuthFlow.Pkce();

        var redirect = await _sandbox.AuthorizeAsync(flow.AuthorizeUrl(clientId, challenge, "state-42"), Ct);

        var query = QueryHelpers.ParseQuery(redirect.Query);
        Assert.Equal(OAuthFlow.Callback.AbsoluteUri, redirect.GetLeftPart(UriPartial.Path));
        Assert.False(string.IsNullOrEmpty(query["code"]));
        Assert.Equal("state-42", query["state"]);
        Assert.Equal(_sandbox.Issuer.AbsoluteUri, query["iss"]);
    }

    [Fact]
    public async Task Authorize_PlainPkce_RefusedWithoutACode()
    {
        using var flow = new OAuthFlow(_sandbox);
        var clientId = await flow.RegisterAsync(Ct);

        using var response = await flow.Http.GetAsync(flow.AuthorizeUrl(clientId, "plain-challenge-plain-challenge-plain-challenge", "s", method: "plain"), Ct);

        var landing = response.Headers.Location;
        Assert.True(landing is null ? response.StatusCode == HttpStatusCode.BadRequest : QueryHelpers.ParseQuery(landing.Query).ContainsKey("error"));
        Assert.True(landing is null || !QueryHelpers.ParseQuery(landing.Query).ContainsKey("code"));
    }

    [Fact]
    public async Task Authorize_UnregisteredRedirectUri_NoRedirectThere()
    {
        using var flow = new OAuthFlow(_sandbox);
        var clientId = await flow.RegisterAsync(Ct);
        var url = flow.AuthorizeUrl(clientId, OAuthFlow.Pkce().Challenge, "s").AbsoluteUri.Replace("127.0.0.1%3A45871%2Fcallback", "evil.example%2Fcallback", StringComparison.Ordinal);

        using var response = await flow.Http.GetAsync(new Uri(url), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Refresh_Rotation_NewRefreshTokenAndReuseRejectedWithInvalidGrant()
    {
        using var flow = new OAuthFlow(_sandbox);
        var tokens = await flow.SignInAsync(Ct);
        var first = tokens.GetProperty("refresh_token").GetString()!;

        using var refreshed = await flow.RefreshAsync(first, Ct);
        using var json = JsonDocument.Parse(await refreshed.Content.ReadAsStringAsync(Ct));
        using var reused = await flow.RefreshAsync(first, Ct);

        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.NotEqual(first, json.RootElement.GetProperty("refresh_token").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, reused.StatusCode);
        Assert.Contains("invalid_grant", await reused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mcp_TokenForAnotherResource_Refused()
    {
        using var flow = new OAuthFlow(_sandbox);
        var good = await flow.SignInAsync(Ct);
        var other = await flow.SignInAsync(Ct, resource: _sandbox.OtherResource.AbsoluteUri);

        Assert.Equal(HttpStatusCode.OK, (await PostMcpAsync(good.GetProperty("access_token").GetString()!)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostMcpAsync(other.GetProperty("access_token").GetString()!)).StatusCode);
    }

    [Fact]
    public async Task RevokeAllTokens_McpAnswers401AndRefreshIsInvalidGrant()
    {
        using var flow = new OAuthFlow(_sandbox);
        var tokens = await flow.SignInAsync(Ct);

        _sandbox.RevokeAllTokens();

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostMcpAsync(tokens.GetProperty("access_token").GetString()!)).StatusCode);
        using var refresh = await flow.RefreshAsync(tokens.GetProperty("refresh_token").GetString()!, Ct);
        Assert.Contains("invalid_grant", await refresh.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AccessTokenLifetime_SetToSeconds_ExpiresInFollows()
    {
        _sandbox.AccessTokenLifetime = TimeSpan.FromSeconds(7);
        using var flow = new OAuthFlow(_sandbox);

        var tokens = await flow.SignInAsync(Ct);

        Assert.InRange(tokens.GetProperty("expires_in").GetInt32(), 6, 7);
    }

    public static TheoryData<string, int, string?> WireFaults() => new()
    {
        { "waf-403", 403, "text/html" },
        { "http-500", 500, "text/plain" },
        { "http-503", 503, "text/html" },
        { "http-429", 429, "application/json" },
        { "invalid-grant", 400, "application/json" },
        { "invalid-client", 401, "application/json" },
        { "temporarily-unavailable", 400, "application/json" },
        { "redirect", 302, null },
        { "garbage-200", 200, "application/json" },
    };

    [Theory]
    [MemberData(nameof(WireFaults))]
    public async Task ControlFault_EachMode_SeenOnTheWireForCountRequests(string fault, int status, string? contentType)
    {
        using var flow = new OAuthFlow(_sandbox);
        var tokens = await flow.SignInAsync(Ct);
        await SetFaultAsync($$"""{"fault":"{{fault}}","count":1,"retry_after":"9s"}""");

        using var faulted = await flow.RefreshAsync(tokens.GetProperty("refresh_token").GetString()!, Ct);
        using var healed = await flow.RefreshAsync(tokens.GetProperty("refresh_token").GetString()!, Ct);

        Assert.Equal(status, (int)faulted.StatusCode);
        Assert.Equal(contentType, faulted.Content.Headers.ContentType?.MediaType);
        if (status is 429 or 503)
        {
            Assert.Equal(TimeSpan.FromSeconds(9), faulted.Headers.RetryAfter!.Delta);
        }

        Assert.Equal(HttpStatusCode.OK, healed.StatusCode);
    }

    // The single-answer faults below stay set until the test ends (Dispose clears them): with a count of one, a
    // request another test gave up on (the hang test's client stops waiting after 500 ms) can reach the shared
    // sandbox late, on a busy machine, and take the fault meant for this test.
    [Fact]
    public async Task Fault_Reset_ConnectionDropped()
    {
        _sandbox.Faults.Set(TokenEndpointFault.Reset);
        using var flow = new OAuthFlow(_sandbox);

        await Assert.ThrowsAsync<HttpRequestException>(() => flow.RefreshAsync("x", Ct));
    }

    [Fact]
    public async Task Fault_Hang_NoAnswerWithinTheClientTimeout()
    {
        _sandbox.Faults.Set(TokenEndpointFault.Hang);
        using var http = new HttpClient { Timeout = TimeSpan.FromMilliseconds(500) };

        await Assert.ThrowsAsync<TaskCanceledException>(() => http.PostAsync(new Uri(_sandbox.Issuer, "token"), new StringContent(""), Ct));
    }

    [Fact]
    public async Task Fault_Oversized_BodyPastOneMiB()
    {
        _sandbox.Faults.Set(TokenEndpointFault.Oversized);
        using var http = new HttpClient();

        var body = await http.PostAsync(new Uri(_sandbox.Issuer, "token"), new StringContent(""), Ct);

        Assert.True((await body.Content.ReadAsByteArrayAsync(Ct)).Length > 1024 * 1024);
    }

    [Fact]
    public async Task Fault_ForADuration_ClearsByItself()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var faults = new SandboxFaults(time);
        faults.Set(TokenEndpointFault.ServerError500, duration: TimeSpan.FromSeconds(30));

        Assert.Equal(TokenEndpointFault.ServerError500, faults.Current);
        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(TokenEndpointFault.None, faults.Current);
    }

    [Theory]
    [InlineData("""{"fault":"no-such-fault"}""")]
    [InlineData("""{"fault":"waf-403","duration":"forever"}""")]
    [InlineData("""{"fault":"waf-403","count":0}""")]
    [InlineData("""not json""")]
    [InlineData("""[]""")]
    public async Task ControlFaults_MalformedBody_400WithJsonError(string body)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(_sandbox.ControlUrl + "/faults"), new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("invalid_request", json.RootElement.GetProperty("error").GetString());
        Assert.Equal(TokenEndpointFault.None, _sandbox.Faults.Current);
    }

    [Fact]
    public async Task Token_MalformedRequest_OAuthErrorNotACrash()
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(_sandbox.Issuer, "token"), new StringContent("grant_type=nonsense", Encoding.UTF8, "application/x-www-form-urlencoded"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"error\"", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConsentClick_Required_HeadlessBrowserApproves()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { RequireConsentClick = true }, Ct);
        using var flow = new OAuthFlow(sandbox);

        var tokens = await flow.SignInAsync(Ct);

        Assert.False(string.IsNullOrEmpty(tokens.GetProperty("access_token").GetString()));
    }

    private async Task SetFaultAsync(string json)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(_sandbox.ControlUrl + "/faults"), new StringContent(json, Encoding.UTF8, "application/json"), Ct);
        response.EnsureSuccessStatusCode();
    }

    private async Task<HttpResponseMessage> PostMcpAsync(string accessToken)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, _sandbox.McpUrl)
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        return await http.SendAsync(request, Ct);
    }
}
