using Tether.Sandbox.Faults;
using Tether.Tests.Fixtures;
using Tether.Tokens;
using Tether.Workloads;

namespace Tether.Tests.Tokens;

/// <summary>The engine against a token endpoint on real Kestrel over real HTTP (engine time on a fake clock).</summary>
public sealed class TokenLifecycleIntegrationTests : IAsyncLifetime
{
    private ScriptedTokenServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await ScriptedTokenServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private async Task<EngineHarness> StartAsync(TimeSpan lifetime, TokenLifecycleOptions? options = null, bool fromRegistration = true)
    {
        var (access, refresh) = _server.Issue();
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false };
        var h = new EngineHarness(EngineHarness.Tokens(access, refresh, lifetime), options, handler, _server.TokenEndpoint, fromRegistration);
        await h.Engine.StartAsync(default);
        return h;
    }

    private void AssertNoTokenInLogs(EngineHarness h)
    {
        var logs = h.AllLogText;
        Assert.NotEmpty(logs);
        Assert.All(_server.IssuedTokens, token => Assert.DoesNotContain(token, logs, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Engine_WafDuringExpiryThenGone_RunningAuthRetryingRunning()
    {
        await using var h = await StartAsync(TimeSpan.FromMinutes(2));
        _server.Fail(TokenEndpointFault.WafHtml403);

        await h.AdvanceAsync(TimeSpan.FromMinutes(3));
        Assert.Equal(WorkloadStatus.AuthRetrying, h.Tracker.Status);
        var retrying = await h.RequestAsync();
        Assert.Equal(TokenAnswerKind.Retrying, retrying.Kind);

        _server.Succeed();
        await h.AdvanceAsync(TimeSpan.FromSeconds(31));
        var answer = await h.RequestAsync();

        Assert.Equal(TokenAnswerKind.Token, answer.Kind);
        Assert.Equal([WorkloadStatus.Running, WorkloadStatus.AuthRetrying, WorkloadStatus.Running], h.Sink.Statuses);
        Assert.DoesNotContain(h.LogCollector.GetSnapshot(), r => r.Id.Id == 1004);
        AssertNoTokenInLogs(h);
    }

    [Fact]
    public async Task Engine_ServerErrorsPastTheCeiling_Unauthenticated()
    {
        var options = new TokenLifecycleOptions { AuthRetryingMaxElapsed = TimeSpan.FromMinutes(30), AuthRetryingTickInterval = TimeSpan.FromMinutes(5) };
        await using var h = await StartAsync(TimeSpan.FromMinutes(2), options);
        _server.Fail(TokenEndpointFault.ServiceUnavailable503, TimeSpan.FromSeconds(20));

        await h.AdvanceAsync(TimeSpan.FromMinutes(40));

        Assert.Equal([WorkloadStatus.Running, WorkloadStatus.AuthRetrying, WorkloadStatus.Unauthenticated], h.Sink.Statuses);
        Assert.StartsWith("transient failures for over 30m: token endpoint answered http 503", h.Tracker.Reason, StringComparison.Ordinal);
        var calls = _server.Requests;
        await h.AdvanceAsync(TimeSpan.FromHours(2));
        Assert.Equal(calls, _server.Requests);
        AssertNoTokenInLogs(h);
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 0)]
    public async Task Engine_SpentRefreshTokenRejected_UnauthenticatedWithHintOnlyForRegisteredClients(bool fromRegistration, int hints)
    {
        await using var h = await StartAsync(TimeSpan.FromMinutes(2), fromRegistration: fromRegistration);
        using var other = new HttpClient();
        var stored = await h.Store.LoadAsync(default);
        await new TokenEndpointClient(other, TimeProvider.System).RefreshAsync(h.Config, stored!.RefreshToken!, default);

        await h.AdvanceAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(WorkloadStatus.Unauthenticated, h.Tracker.Status);
        Assert.Contains("invalid_grant", h.Tracker.Reason, StringComparison.Ordinal);
        Assert.Equal(hints, h.LogCollector.GetSnapshot().Count(r => r.Id.Id == 1004));
        AssertNoTokenInLogs(h);
    }

    [Fact]
    public async Task Engine_WafPageUntilTheCeiling_NeverTheHint()
    {
        var options = new TokenLifecycleOptions { AuthRetryingMaxElapsed = TimeSpan.FromMinutes(20), AuthRetryingTickInterval = TimeSpan.FromMinutes(2) };
        await using var h = await StartAsync(TimeSpan.FromMinutes(2), options);
        _server.Fail(TokenEndpointFault.WafHtml403);

        await h.AdvanceAsync(TimeSpan.FromMinutes(30));

        Assert.Equal(WorkloadStatus.Unauthenticated, h.Tracker.Status);
        Assert.DoesNotContain(h.LogCollector.GetSnapshot(), r => r.Id.Id == 1004);
    }

    [Fact]
    public async Task Engine_RefreshesTwice_RotatedTokenUsedAndStored()
    {
        await using var h = await StartAsync(TimeSpan.FromMinutes(2));
        _server.Succeed(expiresIn: 120);

        await h.AdvanceAsync(TimeSpan.FromMinutes(3));

        Assert.Equal(WorkloadStatus.Running, h.Tracker.Status);
        Assert.True(_server.Requests >= 2);
        var stored = await h.Store.LoadAsync(default);
        Assert.Equal((await h.Engine.GetTokenAsync(default)).AccessToken, stored!.AccessToken);
        Assert.DoesNotContain(h.LogCollector.GetSnapshot(), r => r.Level >= Microsoft.Extensions.Logging.LogLevel.Warning);
        AssertNoTokenInLogs(h);
    }

    public static TheoryData<TokenEndpointFault, int?> Faults() => new()
    {
        { TokenEndpointFault.WafHtml403, 403 },
        { TokenEndpointFault.ServerError500, 500 },
        { TokenEndpointFault.ServiceUnavailable503, 503 },
        { TokenEndpointFault.TooManyRequests429, 429 },
        { TokenEndpointFault.TemporarilyUnavailable, 400 },
        { TokenEndpointFault.Redirect, 302 },
        { TokenEndpointFault.Reset, null },
        { TokenEndpointFault.Garbage200, 200 },
        { TokenEndpointFault.Oversized, 200 },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task RefreshAsync_EachInfrastructureFaultOverHttp_Transient(TokenEndpointFault fault, int? status)
    {
        _server.Fail(fault, TimeSpan.FromSeconds(42));
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
        var config = new TokenClientConfig(_server.TokenEndpoint, "c", null, ClientAuthMethod.None, null, null, null, false);

        var outcome = await new TokenEndpointClient(http, TimeProvider.System).RefreshAsync(config, "rt", default);

        Assert.Equal(OutcomeClass.Transient, outcome.Class);
        Assert.Equal(status, outcome.HttpStatus);
        if (fault is TokenEndpointFault.TooManyRequests429 or TokenEndpointFault.ServiceUnavailable503)
        {
            Assert.Equal(TimeSpan.FromSeconds(42), outcome.RetryAfter);
        }
    }

    [Theory]
    [InlineData(TokenEndpointFault.InvalidGrant, "invalid_grant")]
    [InlineData(TokenEndpointFault.InvalidClient, "invalid_client")]
    public async Task RefreshAsync_VerdictOverHttp_Permanent(TokenEndpointFault fault, string error)
    {
        _server.Fail(fault);
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
        var config = new TokenClientConfig(_server.TokenEndpoint, "c", null, ClientAuthMethod.None, null, null, null, false);

        var outcome = await new TokenEndpointClient(http, TimeProvider.System).RefreshAsync(config, "rt", default);

        Assert.Equal(OutcomeClass.Permanent, outcome.Class);
        Assert.Equal(error, outcome.OAuthError);
    }

    [Fact]
    public async Task RefreshAsync_ServerHangs_TransientAfterTheTimeout()
    {
        _server.Fail(TokenEndpointFault.Hang);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var config = new TokenClientConfig(_server.TokenEndpoint, "c", null, ClientAuthMethod.None, null, null, null, false);

        var outcome = await new TokenEndpointClient(http, TimeProvider.System, TimeSpan.FromMilliseconds(300)).RefreshAsync(config, "rt", default);

        Assert.Equal(OutcomeClass.Transient, outcome.Class);
        Assert.Contains("did not answer", outcome.Reason, StringComparison.Ordinal);
    }
}
