using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Tether.Tests.Fixtures;
using Tether.Tokens;

namespace Tether.Tests.Tokens;

public sealed class TokenEndpointClientTests
{
    private static readonly TokenClientConfig Public = new(new Uri("https://as.example/token"), "client-1", null, ClientAuthMethod.None, "https://mcp.example/", "mcp:tools", "https://as.example", true);

    private static async Task<TokenEndpointOutcome> RefreshAsync(ScriptedHandler handler, TokenClientConfig? config = null, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        using var http = new HttpClient(handler);
        var client = new TokenEndpointClient(http, time ?? new FakeTimeProvider(EngineHarness.Start), TimeSpan.FromSeconds(5));
        return await client.RefreshAsync(config ?? Public, "rt-old", cancellationToken);
    }

    [Fact]
    public async Task RefreshAsync_Json200WithAccessToken_SuccessWithExpiryAndRotation()
    {
        var outcome = await RefreshAsync(new ScriptedHandler().ThenTokens("at-new", "rt-new", 3600));

        Assert.Equal(OutcomeClass.Success, outcome.Class);
        Assert.Equal("at-new", outcome.Tokens!.AccessToken);
        Assert.Equal("rt-new", outcome.Tokens.RefreshToken);
        Assert.Equal(EngineHarness.Start.AddHours(1), outcome.Tokens.ExpiresAt);
        Assert.Equal(TimeSpan.FromHours(1), outcome.Tokens.IssuedLifetime);
    }

    [Fact]
    public async Task RefreshAsync_NoRefreshTokenInAnswer_KeepsTheOldOne()
    {
        var outcome = await RefreshAsync(new ScriptedHandler().ThenTokens("at-new", null, 60));

        Assert.Equal("rt-old", outcome.Tokens!.RefreshToken);
    }

    [Theory]
    [InlineData(200, "{\"access_token\": <<not json", "application/json", null)]
    [InlineData(200, "{\"token_type\":\"Bearer\"}", "application/json", null)]
    [InlineData(500, "oops", "text/plain", null)]
    [InlineData(502, "<html>bad gateway</html>", "text/html", null)]
    [InlineData(503, "", "text/html", "7")]
    [InlineData(429, "{}", "application/json", "30")]
    [InlineData(403, "<html><body>Access denied by WAF</body></html>", "text/html", null)]
    [InlineData(400, "", "text/plain", null)]
    [InlineData(401, "{\"message\":\"no\"}", "application/json", null)]
    [InlineData(400, "{\"error\":\"temporarily_unavailable\"}", "application/json", null)]
    [InlineData(400, "{\"error\":\"server_error\"}", "application/json", null)]
    [InlineData(400, "{\"error\":\"\"}", "application/json", null)]
    [InlineData(503, "{\"error\":\"invalid_grant\"}", "application/json", null)]
    [InlineData(429, "{\"error\":\"slow_down\"}", "application/json", "5")]
    [InlineData(200, "{\"error\":\"temporarily_unavailable\"}", "application/json", null)]
    public async Task RefreshAsync_NoVerdictFromServer_Transient(int status, string body, string contentType, string? retryAfter)
    {
        var outcome = await RefreshAsync(new ScriptedHandler().ThenStatus((HttpStatusCode)status, body, contentType, retryAfter));

        Assert.Equal(OutcomeClass.Transient, outcome.Class);
        Assert.Null(outcome.Tokens);
        Assert.Equal(status, outcome.HttpStatus);
        Assert.Equal(retryAfter is null ? null : TimeSpan.FromSeconds(int.Parse(retryAfter, System.Globalization.CultureInfo.InvariantCulture)), outcome.RetryAfter);
    }

    [Theory]
    [InlineData(400, "invalid_grant")]
    [InlineData(401, "invalid_client")]
    [InlineData(400, "unauthorized_client")]
    [InlineData(400, "unsupported_grant_type")]
    [InlineData(400, "invalid_scope")]
    [InlineData(400, "invalid_request")]
    [InlineData(403, "access_denied")]
    public async Task RefreshAsync_4xxWithOAuthError_Permanent(int status, string error)
    {
        var outcome = await RefreshAsync(new ScriptedHandler().ThenOAuthError(error, (HttpStatusCode)status));

        Assert.Equal(OutcomeClass.Permanent, outcome.Class);
        Assert.Equal(error, outcome.OAuthError);
        Assert.Contains(error, outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefreshAsync_ErrorDescription_InTheOutcomeAndTheReason()
    {
        var outcome = await RefreshAsync(new ScriptedHandler().Then(_ => ScriptedHandler.Json(HttpStatusCode.BadRequest,
            """{"error":"invalid_grant","error_description":"grant request is invalid:\nrefresh token expired"}""")));

        Assert.Equal(OutcomeClass.Permanent, outcome.Class);
        Assert.Equal("grant request is invalid: refresh token expired", outcome.OAuthErrorDescription);
        Assert.Equal("token endpoint refused: invalid_grant (http 400): grant request is invalid: refresh token expired", outcome.Reason);
    }

    /// <summary>
    /// GitHub answers a refused refresh with HTTP 200 and a JSON error: "Refreshing user access tokens"
    /// (https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens)
    /// documents the POST to https://github.com/login/oauth/access_token, and users report the
    /// <c>bad_refresh_token</c> answer to an expired or spent refresh token (https://github.com/orgs/community/discussions/24745).
    /// </summary>
    [Fact]
    public async Task RefreshAsync_GitHubStyle200WithError_PermanentNotRetried()
    {
        var outcome = await RefreshAsync(new ScriptedHandler().Then(_ => ScriptedHandler.Json(HttpStatusCode.OK,
            """{"error":"bad_refresh_token","error_description":"The refresh token passed is incorrect or expired.","error_uri":"https://docs.github.com"}""")));

        Assert.Equal(OutcomeClass.Permanent, outcome.Class);
        Assert.Equal("bad_refresh_token", outcome.OAuthError);
        Assert.Equal(200, outcome.HttpStatus);
        Assert.Contains("The refresh token passed is incorrect or expired.", outcome.Reason, StringComparison.Ordinal);
        Assert.False(outcome.AboutClientOrGrant);
    }

    [Fact]
    public async Task RefreshAsync_200WithBothErrorAndAccessToken_Success()
    {
        var outcome = await RefreshAsync(new ScriptedHandler().Then(_ => ScriptedHandler.Json(HttpStatusCode.OK, """{"error":"odd","access_token":"at-new"}""")));

        Assert.Equal(OutcomeClass.Success, outcome.Class);
        Assert.Equal("at-new", outcome.Tokens!.AccessToken);
    }

    [Fact]
    public async Task RefreshAsync_NoRefreshScopeSet_SendsNoScope()
    {
        var handler = new ScriptedHandler().ThenTokens("a", null, 60);

        await RefreshAsync(handler, Public with { Scope = null });

        Assert.DoesNotContain("scope", handler.Bodies.Single(), StringComparison.Ordinal);
    }

    /// <summary>node oidc-provider with resource indicators: "refresh token missing requested scope" for offline_access.</summary>
    [Fact]
    public async Task RefreshAsync_InvalidScopeToAScopedRefresh_RetriedOnceWithoutTheScope()
    {
        var handler = new ScriptedHandler()
            .Then(_ => ScriptedHandler.Json(HttpStatusCode.BadRequest, """{"error":"invalid_scope","error_description":"refresh token missing requested scope","scope":"offline_access"}"""))
            .ThenTokens("at-new", "rt-new", 3600);

        var outcome = await RefreshAsync(handler, Public with { Scope = "mcp:tools offline_access" });

        Assert.Equal(OutcomeClass.Success, outcome.Class);
        Assert.Equal(2, handler.Requests);
        Assert.Contains("scope=mcp%3Atools+offline_access", handler.Bodies[0], StringComparison.Ordinal);
        Assert.DoesNotContain("scope", handler.Bodies[1], StringComparison.Ordinal);
        Assert.Contains("refresh_token=rt-old", handler.Bodies[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefreshAsync_InvalidScopeWithoutAScope_PermanentAfterOneRequest()
    {
        var handler = new ScriptedHandler().ThenOAuthError("invalid_scope").ThenTokens("a", null, 60);

        var outcome = await RefreshAsync(handler, Public with { Scope = null });

        Assert.Equal(OutcomeClass.Permanent, outcome.Class);
        Assert.Equal("invalid_scope", outcome.OAuthError);
        Assert.Equal(1, handler.Requests);
    }

    [Fact]
    public async Task RefreshAsync_InvalidScopeTwice_PermanentAfterExactlyTwoRequests()
    {
        var handler = new ScriptedHandler().ThenOAuthError("invalid_scope");

        var outcome = await RefreshAsync(handler);

        Assert.Equal(OutcomeClass.Permanent, outcome.Class);
        Assert.Equal(2, handler.Requests);
    }

    [Theory]
    [InlineData("invalid_client", true)]
    [InlineData("unauthorized_client", true)]
    [InlineData("invalid_grant", true)]
    [InlineData("invalid_scope", false)]
    [InlineData("invalid_request", false)]
    [InlineData("unsupported_grant_type", false)]
    public async Task RefreshAsync_Verdict_AboutClientOrGrantOnlyForThoseTheClientCanFix(string error, bool aboutClient)
    {
        var outcome = await RefreshAsync(new ScriptedHandler().ThenOAuthError(error), Public with { Scope = null });

        Assert.Equal(aboutClient, outcome.AboutClientOrGrant);
    }

    [Fact]
    public async Task RefreshAsync_Redirect_TransientAndNotFollowed()
    {
        var handler = new ScriptedHandler().Then(_ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.Found);
            response.Headers.Location = new Uri("http://captive.example/login");
            return response;
        });

        var outcome = await RefreshAsync(handler);

        Assert.Equal(OutcomeClass.Transient, outcome.Class);
        Assert.Equal(302, outcome.HttpStatus);
        Assert.Equal(1, handler.Requests);
    }

    [Fact]
    public async Task RefreshAsync_ConnectionFails_TransientWithTheCause()
    {
        var handler = new ScriptedHandler().Then(_ => throw new HttpRequestException(HttpRequestError.NameResolutionError, "no such host"));

        var outcome = await RefreshAsync(handler);

        Assert.Equal(OutcomeClass.Transient, outcome.Class);
        Assert.Contains("DNS", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefreshAsync_BodyOverOneMiB_TransientWithoutReadingOn()
    {
        var big = new string(' ', TokenEndpointClient.MaxBodyBytes + 10);
        var outcome = await RefreshAsync(new ScriptedHandler().ThenStatus(HttpStatusCode.OK, "{\"access_token\":\"x\"" + big + "}", "application/json"));

        Assert.Equal(OutcomeClass.Transient, outcome.Class);
        Assert.Contains("MiB", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefreshAsync_OurCancellation_CancelledNotAFailure()
    {
        using var cts = new CancellationTokenSource();
        var handler = new ScriptedHandler().Then(_ =>
        {
            cts.Cancel();
            throw new TaskCanceledException();
        });

        var outcome = await RefreshAsync(handler, cancellationToken: cts.Token);

        Assert.Equal(OutcomeClass.Cancelled, outcome.Class);
    }

    [Fact]
    public async Task RefreshAsync_PublicClient_SendsGrantClientIdResourceScopeAndUserAgent()
    {
        HttpRequestMessage? seen = null;
        var handler = new ScriptedHandler().Then(r =>
        {
            seen = r;
            return ScriptedHandler.Json(HttpStatusCode.OK, """{"access_token":"a"}""");
        });

        await RefreshAsync(handler);

        var body = handler.Bodies.Single();
        Assert.Contains("grant_type=refresh_token", body, StringComparison.Ordinal);
        Assert.Contains("refresh_token=rt-old", body, StringComparison.Ordinal);
        Assert.Contains("client_id=client-1", body, StringComparison.Ordinal);
        Assert.Contains("resource=https%3A%2F%2Fmcp.example%2F", body, StringComparison.Ordinal);
        Assert.Contains("scope=mcp%3Atools", body, StringComparison.Ordinal);
        Assert.DoesNotContain("client_secret", body, StringComparison.Ordinal);
        Assert.Null(seen!.Headers.Authorization);
        Assert.Equal($"Tether/{TokenEndpointClient.Version}", seen.Headers.UserAgent.ToString());
    }

    [Fact]
    public async Task RefreshAsync_ClientSecretBasic_SecretInHeaderNotBody()
    {
        HttpRequestMessage? seen = null;
        var handler = new ScriptedHandler().Then(r =>
        {
            seen = r;
            return ScriptedHandler.Json(HttpStatusCode.OK, """{"access_token":"a"}""");
        });

        await RefreshAsync(handler, Public with { ClientSecret = "s3cret", AuthMethod = ClientAuthMethod.ClientSecretBasic });

        Assert.Equal("Basic", seen!.Headers.Authorization!.Scheme);
        Assert.Equal("client-1:s3cret", Encoding.UTF8.GetString(Convert.FromBase64String(seen.Headers.Authorization.Parameter!)));
        Assert.DoesNotContain("s3cret", handler.Bodies.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefreshAsync_ClientSecretPost_SecretInBody()
    {
        var handler = new ScriptedHandler().ThenTokens("a", null, 60);

        await RefreshAsync(handler, Public with { ClientSecret = "s3cret", AuthMethod = ClientAuthMethod.ClientSecretPost, Resource = null });

        Assert.Contains("client_secret=s3cret", handler.Bodies.Single(), StringComparison.Ordinal);
        Assert.DoesNotContain("resource=", handler.Bodies.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_ConfigWithSecret_NeverPrintsIt() =>
        Assert.DoesNotContain("s3cret", (Public with { ClientSecret = "s3cret" }).ToString(), StringComparison.Ordinal);
}
