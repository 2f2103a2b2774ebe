using Tether.Tests.Fixtures;
using Tether.Tokens;
using Tether.Workloads;

namespace Tether.Tests.Tokens;

/// <summary>
/// Token-endpoint answers of big providers, played by the scriptable token endpoint on real Kestrel (engine time on a
/// fake clock), as their documentation describes them.
/// </summary>
public sealed class ProviderQuirksTests : IAsyncLifetime
{
    /// <summary>
    /// GitHub's answer to a refresh token that is spent, expired or revoked. The refresh request and rotation are in
    /// https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens;
    /// the error body (<c>error</c>, <c>error_description</c>, <c>error_uri</c>) follows
    /// https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-oauth-app-access-token-request-errors,
    /// and github.com/login/oauth/access_token sends it with HTTP 200 (reported for <c>bad_refresh_token</c> in
    /// https://github.com/orgs/community/discussions/24745).
    /// </summary>
    private const string GitHubBadRefreshToken =
        """{"error":"bad_refresh_token","error_description":"The refresh token passed is incorrect or expired.","error_uri":"https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#bad-refresh-token"}""";

    /// <summary>
    /// Microsoft Entra's v2.0 token endpoint refusing the RFC 8707 <c>resource</c> parameter (it takes the resource
    /// from <c>scope</c>): AADSTS901002, <c>invalid_request</c>, in the error shape of
    /// https://learn.microsoft.com/entra/identity-platform/reference-error-codes (<c>error</c>, an
    /// <c>error_description</c> starting with the AADSTS code, <c>error_codes</c>, ids and <c>error_uri</c>); the code
    /// and message as https://www.ibm.com/support/pages/configure-cognos-analytics-azure-ad-show-error-message-aadsts901002-resource-request-parameter-not-supported
    /// quotes them.
    /// </summary>
    private const string EntraResourceRefused =
        """{"error":"invalid_request","error_description":"AADSTS901002: The 'resource' request parameter is not supported.\r\nTrace ID: 0000aaaa-11bb-cccc-dd22-eeeeee333333\r\nCorrelation ID: aaaa0000-bb11-2222-33cc-444444dddddd\r\nTimestamp: 2026-03-01 08:01:36Z","error_codes":[901002],"timestamp":"2026-03-01 08:01:36Z","trace_id":"0000aaaa-11bb-cccc-dd22-eeeeee333333","correlation_id":"aaaa0000-bb11-2222-33cc-444444dddddd","error_uri":"https://login.microsoftonline.com/error?code=901002"}""";

    private const int RemediationHintEvent = 1004;

    private ScriptedTokenServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await ScriptedTokenServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Refresh_GitHubAnswers200WithBadRefreshToken_UnauthenticatedAtExpiryAndNoMoreCalls()
    {
        _server.Quirk(_ => (200, GitHubBadRefreshToken));
        await using var h = await StartAsync(TimeSpan.FromMinutes(2));

        await h.AdvanceAsync(TimeSpan.FromMinutes(3));

        Assert.Equal(WorkloadStatus.Unauthenticated, h.Tracker.Status);
        Assert.Contains("bad_refresh_token", h.Tracker.Reason, StringComparison.Ordinal);
        Assert.Contains("tether reauth", h.Tracker.Reason, StringComparison.Ordinal);
        var calls = _server.Requests;
        await h.AdvanceAsync(TimeSpan.FromHours(1));
        Assert.Equal(calls, _server.Requests);
    }

    [Fact]
    public async Task Refresh_EntraRefusesTheResourceParameter_VerdictWithTheAadstsReasonAndNoReregisterHint()
    {
        _server.Quirk(form => form.ContainsKey("resource") ? (400, EntraResourceRefused) : null);
        await using var h = await StartAsync(TimeSpan.FromMinutes(2));

        await h.AdvanceAsync(TimeSpan.FromMinutes(3));

        Assert.Equal(WorkloadStatus.Unauthenticated, h.Tracker.Status);
        Assert.Contains("invalid_request", h.Tracker.Reason, StringComparison.Ordinal);
        Assert.Contains("AADSTS901002", h.Tracker.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(h.LogCollector.GetSnapshot(), r => r.Id.Id == RemediationHintEvent);
        var calls = _server.Requests;
        await h.AdvanceAsync(TimeSpan.FromHours(1));
        Assert.Equal(calls, _server.Requests);
    }

    [Fact]
    public async Task Refresh_EntraWithResourceTurnedOff_RefreshesWithoutTheParameter()
    {
        _server.Quirk(form => form.ContainsKey("resource") ? (400, EntraResourceRefused) : null);
        var (_, refresh) = _server.Issue();
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
        var config = new TokenClientConfig(_server.TokenEndpoint, "client-1", null, ClientAuthMethod.None, Resource: null, null, "https://login.microsoftonline.com/tenant/v2.0", true);

        var outcome = await new TokenEndpointClient(http, TimeProvider.System).RefreshAsync(config, refresh, TestContext.Current.CancellationToken);

        Assert.Equal(OutcomeClass.Success, outcome.Class);
        Assert.DoesNotContain("resource", Assert.Single(_server.RequestParameters));
    }

    private async Task<EngineHarness> StartAsync(TimeSpan lifetime)
    {
        var (access, refresh) = _server.Issue();
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false };
        var h = new EngineHarness(EngineHarness.Tokens(access, refresh, lifetime), null, handler, _server.TokenEndpoint);
        await h.Engine.StartAsync(default);
        return h;
    }
}
