using System.Net;
using Tether.Tests.Fixtures;
using Tether.Tokens;
using Tether.Workloads;

namespace Tether.Tests.Tokens;

public sealed class TokenLifecycleTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private static Task<EngineHarness> RunningAsync(TokenLifecycleOptions? options = null, bool fromRegistration = true, TimeSpan? lifetime = null) =>
        EngineHarness.RunningAsync(lifetime ?? Hour, options, fromRegistration);

    [Fact]
    public async Task StartAsync_StoredTokenStillGood_RunningWithoutCallingTheEndpoint()
    {
        await using var h = await RunningAsync();

        var answer = await h.Engine.GetTokenAsync(CancellationToken.None);

        Assert.Equal(TokenAnswerKind.Token, answer.Kind);
        Assert.Equal("at-1", answer.AccessToken);
        Assert.Equal(0, h.Handler.Requests);
    }

    [Fact]
    public async Task GetTokenAsync_ValidToken_CompletesSynchronously()
    {
        await using var h = await RunningAsync();

        var pending = h.Engine.GetTokenAsync(CancellationToken.None);

        Assert.True(pending.IsCompletedSuccessfully);
        Assert.Equal("at-1", (await pending).AccessToken);
    }

    [Fact]
    public async Task Monitor_DefaultSettings_RefreshesAtEightyPercentOfTheLifetime()
    {
        await using var h = await RunningAsync();
        h.Handler.ThenTokens("at-2", "rt-2", 3600);

        await h.AdvanceAsync(TimeSpan.FromMinutes(47));
        Assert.Equal(0, h.Handler.Requests);
        await h.AdvanceAsync(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => h.Handler.Requests == 1, "one refresh at 48 minutes");

        await Eventually.TrueAsync(() => h.Engine.GetTokenAsync(default).Result.AccessToken == "at-2", "the new token is served");
        Assert.Equal(WorkloadStatus.Running, h.Tracker.Status);
        Assert.Equal("rt-2", (await h.Store.LoadAsync(default))!.RefreshToken);
    }

    [Fact]
    public async Task Monitor_TransientWhileTokenValid_StaysRunningAndRetriesOnTheShortBackoff()
    {
        await using var h = await RunningAsync();
        h.Handler.ThenStatus(HttpStatusCode.ServiceUnavailable);

        await h.AdvanceAsync(TimeSpan.FromMinutes(48));
        // The handler counts the request as it arrives; the engine reads the answer after that.
        await Eventually.TrueAsync(() => h.Handler.Requests == 1 && h.Tracker.Reason.Contains("refresh failing", StringComparison.Ordinal), "the refresh ahead of expiry, failed");
        Assert.Equal(WorkloadStatus.Running, h.Tracker.Status);

        // 10 s, 15 s, 22.5 s, 33.75 s between tries (jitter pinned to its middle).
        foreach (var (gap, expected) in new[] { (10.0, 2), (15.0, 3), (22.5, 4), (33.75, 5) })
        {
            var due = h.Handler.RequestTimes[^1] + TimeSpan.FromSeconds(gap);
            await h.AdvanceAsync(due - h.Time.GetUtcNow() - TimeSpan.FromMilliseconds(500));
            Assert.Equal(expected - 1, h.Handler.Requests);
            await h.AdvanceAsync(TimeSpan.FromSeconds(1));
            await Eventually.TrueAsync(() => h.Handler.Requests == expected, $"try {expected}");
            Assert.Equal(due, h.Handler.RequestTimes[^1]);
        }

        // Five attempts in all, counting the first: the sixth comes on the long cadence (30 s), not after 50.6 s.
        var fifth = h.Handler.RequestTimes[^1];
        await h.AdvanceAsync(TimeSpan.FromSeconds(29));
        Assert.Equal(5, h.Handler.Requests);
        await h.AdvanceAsync(TimeSpan.FromSeconds(2));
        await Eventually.TrueAsync(() => h.Handler.Requests == 6, "the sixth attempt on the long cadence");
        Assert.Equal(fifth + TimeSpan.FromSeconds(30), h.Handler.RequestTimes[^1]);

        Assert.Equal(WorkloadStatus.Running, h.Tracker.Status);
        Assert.Equal("at-1", (await h.Engine.GetTokenAsync(default)).AccessToken);
        Assert.DoesNotContain(WorkloadStatus.AuthRetrying, h.Sink.Statuses);
    }

    [Fact]
    public async Task Monitor_TokenExpiresWhileFailing_AuthRetryingThenThirtySecondsDoubling()
    {
        await using var h = await RunningAsync(lifetime: TimeSpan.FromMinutes(2));
        h.Handler.ThenStatus(HttpStatusCode.Forbidden, "<html>WAF</html>");

        await h.AdvanceAsync(TimeSpan.FromMinutes(2));
        await Eventually.TrueAsync(() => h.Tracker.Status == WorkloadStatus.AuthRetrying, "auth_retrying once the token is gone");
        var before = h.Handler.Requests;

        await h.AdvanceAsync(TimeSpan.FromSeconds(20));
        var afterShort = h.Handler.Requests;
        await h.AdvanceAsync(TimeSpan.FromMinutes(20));
        var attempts = h.Handler.Requests - afterShort;

        // 30 s, 60 s, 120 s, 240 s, 480 s, then every 600 s: about seven attempts in twenty minutes, not forty.
        Assert.True(attempts is >= 5 and <= 8, string.Join(", ", h.Handler.RequestTimes.Select(t => (t - EngineHarness.Start).TotalSeconds)));
        Assert.True(before >= 1);
        Assert.Equal(WorkloadStatus.AuthRetrying, h.Tracker.Status);
        Assert.Contains("WAF", h.Tracker.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Monitor_RetryAfter_NoAttemptBeforeIt()
    {
        await using var h = await RunningAsync(lifetime: TimeSpan.FromMinutes(2));
        h.Handler.ThenStatus(HttpStatusCode.TooManyRequests, "{}", "application/json", retryAfter: "300");

        await h.AdvanceAsync(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => h.Handler.Requests == 1, "the refresh ahead of expiry");

        await h.AdvanceAsync(TimeSpan.FromSeconds(289));
        Assert.Equal(1, h.Handler.Requests);
        var pending = h.Engine.GetTokenAsync(default);
        Assert.True(pending.IsCompleted, "a Retry-After further off than a probe interval is a 503 at once");
        var answer = await pending;
        Assert.Equal(TokenAnswerKind.Retrying, answer.Kind);
        Assert.Equal(10, answer.RetryAfterSeconds);
        Assert.Equal(1, h.Handler.Requests);

        // Inside one probe interval of the Retry-After's end, a request waits for it, and not a moment less.
        await h.AdvanceAsync(TimeSpan.FromSeconds(6));
        await h.RequestAsync();
        Assert.Equal(2, h.Handler.Requests);
        Assert.Equal(h.Handler.RequestTimes[0] + TimeSpan.FromSeconds(300), h.Handler.RequestTimes[1]);
        await h.AdvanceAsync(TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(() => h.Handler.Requests == 2, "the attempt after Retry-After");
    }

    [Fact]
    public async Task GetTokenAsync_AuthRetryingAndProbeDue_RequestWaitsForTheProbeAndGoesThrough()
    {
        await using var h = await RunningAsync(lifetime: TimeSpan.FromMinutes(2));
        h.Handler.ThenStatus(HttpStatusCode.BadGateway);
        await h.AdvanceAsync(TimeSpan.FromMinutes(3));
        await Eventually.TrueAsync(() => h.Tracker.Status == WorkloadStatus.AuthRetrying, "auth_retrying");
        await h.AdvanceAsync(TimeSpan.FromSeconds(31));
        h.Handler.ThenTokens("at-2", "rt-2", 3600);
        var before = h.Handler.Requests;

        var answer = await h.RequestAsync();

        Assert.Equal(TokenAnswerKind.Token, answer.Kind);
        Assert.Equal("at-2", answer.AccessToken);
        Assert.Equal(before + 1, h.Handler.Requests);
        Assert.Equal(WorkloadStatus.Running, h.Tracker.Status);
    }

    [Fact]
    public async Task NotifyNetworkChanged_AuthRetrying_AttemptsAtOnceOncePerProbeInterval()
    {
        await using var h = await RunningAsync(lifetime: TimeSpan.FromMinutes(2));
        h.Handler.ThenStatus(HttpStatusCode.ServiceUnavailable);
        await h.AdvanceAsync(TimeSpan.FromMinutes(3));
        await Eventually.TrueAsync(() => h.Tracker.Status == WorkloadStatus.AuthRetrying, "auth_retrying");
        await h.AdvanceAsync(TimeSpan.FromSeconds(31));
        h.Handler.ThenTokens("at-2", "rt-2", 3600);
        var before = h.Handler.Requests;

        h.Engine.NotifyNetworkChanged();
        h.Engine.NotifyNetworkChanged();

        await Eventually.TrueAsync(() => h.Tracker.Status == WorkloadStatus.Running, "running after the network came back");
        Assert.Equal(before + 1, h.Handler.Requests);
    }

    [Fact]
    public async Task Monitor_WallClockJumpsAhead_ProbesAtOnce()
    {
        var time = new JumpingTimeProvider(EngineHarness.Start);
        await using var h = new EngineHarness(EngineHarness.Tokens("at-1", "rt-1", TimeSpan.FromMinutes(2)), time: time);
        await h.Engine.StartAsync(default);
        h.Handler.ThenStatus(HttpStatusCode.ServiceUnavailable);
        await h.AdvanceAsync(TimeSpan.FromMinutes(3));
        await Eventually.TrueAsync(() => h.Tracker.Status == WorkloadStatus.AuthRetrying, "auth_retrying");
        h.Handler.ThenTokens("at-2", "rt-2", 3600);
        var before = h.Handler.Requests;

        Assert.True(h.Engine.NextAttemptAt > h.Time.GetUtcNow() + TimeSpan.FromSeconds(20), "the cadence alone would not try within the test");
        time.JumpWallClock(TimeSpan.FromHours(8));
        h.Time.Advance(TimeSpan.FromSeconds(16));

        await Eventually.TrueAsync(() => h.Tracker.Status == WorkloadStatus.Running, "running after the wake");
        Assert.Equal(before + 1, h.Handler.Requests);
    }

    [Fact]
    public async Task StartAsync_ExpiredTokenAndInvalidGrant_UnauthenticatedAtOnceAndNoMoreCalls()
    {
        await using var h = new EngineHarness(EngineHarness.Tokens("at-1", "rt-1", TimeSpan.FromMinutes(2), EngineHarness.Start - TimeSpan.FromMinutes(5)));
        h.Handler.Then(_ => ScriptedHandler.Json(HttpStatusCode.BadRequest, """{"error":"invalid_grant","error_description":"refresh token expired"}"""));
        await h.Engine.StartAsync(default);

        await Eventually.TrueAsync(() => h.Tracker.Status == WorkloadStatus.Unauthenticated, "unauthenticated");
        Assert.Equal("refresh refused (invalid_grant: refresh token expired): run 'tether reauth w1'", h.Tracker.Reason);
        await h.AdvanceAsync(TimeSpan.FromHours(2));
        var answer = await h.Engine.GetTokenAsync(default);

        Assert.Equal(1, h.Handler.Requests);
        Assert.Equal(TokenAnswerKind.Unauthenticated, answer.Kind);
        Assert.Contains("tether reauth w1", answer.Reason, StringComparison.Ordinal);
        Assert.Contains("invalid_grant", h.Tracker.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Monitor_PermanentInTheMiddleOfAuthRetrying_Unauthenticated()
    {
        await using var h = await RunningAsync(lifetime: TimeSpan.FromMinutes(2));
        h.Handler.ThenStatus(HttpStatusCode.ServiceUnavailable);
        await h.AdvanceAsync(TimeSpan.FromMinutes(3));
        await Eventually.TrueAsync(() => h.Tracker.Status == WorkloadStatus.AuthRetrying, "auth_retrying");

        h.Handler.ThenOAuthError("invalid_client", HttpStatusCode.Unauthorized);
        await h.AdvanceAsync(TimeSpan.FromMinutes(15));

        await Eventually.TrueAsync(() => h.Tracker.Status == WorkloadStatus.Unauthenticated, "unauthenticated");
        Assert.Equal([WorkloadStatus.Running, WorkloadStatus.AuthRetrying, WorkloadStatus.Unauthenticated], h.Sink.Statuses);
    }

    [Theory]
    [InlineData("invalid_grant", true, 1)]
    [InlineData("invalid_grant", false, 0)]
    [InlineData("invalid_client", true, 1)]
    [InlineData("unauthorized_client", true, 1)]
    [InlineData("invalid_scope", true, 0)]
    [InlineData("invalid_request", true, 0)]
    public async Task Monitor_Verdict_RemediationHintOnlyAboutTheClientOfARegisteredClientAndOnce(string error, bool fromRegistration, int hints)
    {
        await using var h = await RunningAsync(fromRegistration: fromRegistration, lifetime: TimeSpan.FromMinutes(2));
        h.Handler.ThenOAuthError(error);

        await h.AdvanceAsync(TimeSpan.FromMinutes(2));
        await Eventually.TrueAsync(() => h.Tracker.Status == WorkloadStatus.Unauthenticated, "unauthenticated");
        await h.Engine.GetTokenAsync(default);
        await h.Engine.RefreshAfterRejectionAsync("at-1", default);

        var hint = h.LogCollector.GetSnapshot().Where(r => r.Id.Id == 1004).ToList();
        Assert.Equal(hints, hint.Count);
        if (hints == 1)
        {
            Assert.Contains("tether reauth w1 --reregister", hint[0].Message, StringComparison.Ordinal);
            Assert.Contains("client-1", hint[0].Message, StringComparison.Ordinal);
            Assert.Contains("https://as.example", hint[0].Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Monitor_WafPageUntilTheCeiling_UnauthenticatedWithoutHint()
    {
        var options = new TokenLifecycleOptions { AuthRetryingMaxElapsed = TimeSpan.FromMinutes(30), AuthRetryingTickInterval = TimeSpan.FromMinutes(5) };
        await using var h = await RunningAsync(options, lifetime: TimeSpan.FromMinutes(2));
        h.Handler.ThenStatus(HttpStatusCode.Forbidden, "<html><body>Request blocked</body></html>");

        await h.AdvanceAsync(TimeSpan.FromMinutes(45));

        await Eventually.TrueAsync(() => h.Tracker.Status == WorkloadStatus.Unauthenticated, "unauthenticated at the ceiling");
        Assert.StartsWith("transient failures for over 30m: ", h.Tracker.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(h.LogCollector.GetSnapshot(), r => r.Id.Id == 1004);
        var calls = h.Handler.Requests;
        await h.AdvanceAsync(TimeSpan.FromHours(1));
        Assert.Equal(calls, h.Handler.Requests);
    }

    [Fact]
    public async Task GetTokenAsync_ManyCallersAsTheTokenExpires_OneRefresh()
    {
        var gate = new TaskCompletionSource();
        var handler = new ScriptedHandler().Then(_ =>
        {
            gate.Task.Wait(TimeSpan.FromSeconds(10));
            return ScriptedHandler.Json(HttpStatusCode.OK, """{"access_token":"at-2","refresh_token":"rt-2","expires_in":3600}""");
        });
        await using var h = new EngineHarness(EngineHarness.Tokens("at-1", "rt-1", TimeSpan.FromMinutes(2), EngineHarness.Start - TimeSpan.FromMinutes(5)), handler: handler);
        await h.Engine.StartAsync(default);

        var callers = Enumerable.Range(0, 500).Select(_ => h.Engine.GetTokenAsync(default).AsTask()).ToList();
        gate.SetResult();
        var answers = await Task.WhenAll(callers);

        Assert.All(answers, a => Assert.Equal("at-2", a.AccessToken));
        Assert.Equal(1, handler.Requests);
    }

    [Fact]
    public async Task GetTokenAsync_RefreshHangs_RetryingAfterTheRequestWaitBudget()
    {
        var release = new TaskCompletionSource();
        var handler = new ScriptedHandler().Then(_ =>
        {
            release.Task.Wait(TimeSpan.FromSeconds(20));
            return ScriptedHandler.Json(HttpStatusCode.OK, """{"access_token":"late","expires_in":60}""");
        });
        await using var h = new EngineHarness(EngineHarness.Tokens("at-1", "rt-1", TimeSpan.FromMinutes(2), EngineHarness.Start - TimeSpan.FromMinutes(5)), handler: handler);
        await h.Engine.StartAsync(default);

        var pending = h.Engine.GetTokenAsync(default).AsTask();
        await Eventually.TrueAsync(() => handler.Requests == 1, "the refresh started");
        Assert.False(pending.IsCompleted);
        h.Time.Advance(TimeSpan.FromSeconds(10));
        var answer = await pending.WaitAsync(TimeSpan.FromSeconds(10));
        release.SetResult();

        Assert.Equal(TokenAnswerKind.Retrying, answer.Kind);
        Assert.Contains("10s", answer.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefreshAfterRejectionAsync_FirstRejection_OneForcedRefreshThenTheFreshToken()
    {
        await using var h = await RunningAsync();
        h.Handler.ThenTokens("at-2", "rt-2", 3600);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => h.Engine.RefreshAfterRejectionAsync("at-1", default).AsTask()));

        Assert.All(answers, a => Assert.Equal("at-2", a.AccessToken));
        Assert.Equal(1, h.Handler.Requests);
        Assert.Equal(WorkloadStatus.Running, h.Tracker.Status);
    }

    [Fact]
    public async Task RefreshAfterRejectionAsync_FreshTokenRejectedToo_UnauthenticatedWithThatReason()
    {
        await using var h = await RunningAsync();
        h.Handler.ThenTokens("at-2", "rt-2", 3600);
        await h.Engine.RefreshAfterRejectionAsync("at-1", default);

        var answer = await h.Engine.RefreshAfterRejectionAsync("at-2", default);

        Assert.Equal(TokenAnswerKind.Unauthenticated, answer.Kind);
        Assert.Equal(WorkloadStatus.Unauthenticated, h.Tracker.Status);
        Assert.Contains("rejected a freshly refreshed token", h.Tracker.Reason, StringComparison.Ordinal);
        Assert.Equal(1, h.Handler.Requests);
    }

    [Fact]
    public async Task StopAsync_RefreshInFlight_LateAnswerChangesNothing()
    {
        var release = new TaskCompletionSource();
        var handler = new ScriptedHandler().Then(_ =>
        {
            release.Task.Wait(TimeSpan.FromSeconds(10));
            return ScriptedHandler.Json(HttpStatusCode.OK, """{"access_token":"late","refresh_token":"rt-late","expires_in":3600}""");
        });
        var h = new EngineHarness(EngineHarness.Tokens("at-1", "rt-1", TimeSpan.FromMinutes(2), EngineHarness.Start - TimeSpan.FromMinutes(5)), handler: handler);
        await h.Engine.StartAsync(default);
        await Eventually.TrueAsync(() => handler.Requests == 1, "the refresh started");
        h.Tracker.TryTransition(WorkloadStatus.Stopping, "stopped by the user");

        var stopping = h.Engine.StopAsync();
        release.SetResult();
        await stopping;
        h.Tracker.TryTransition(WorkloadStatus.Stopped, "stopped by the user");
        await h.AdvanceAsync(TimeSpan.FromHours(1));

        Assert.Equal(WorkloadStatus.Stopped, h.Tracker.Status);
        Assert.Equal("rt-1", (await h.Store.LoadAsync(default))!.RefreshToken);
        Assert.Equal(TokenAnswerKind.Unavailable, (await h.Engine.GetTokenAsync(default)).Kind);
        Assert.Equal(1, handler.Requests);
        await h.DisposeAsync();
    }

    [Fact]
    public async Task AttemptAsync_RotatedRefreshToken_CommittedBeforeTheNewAccessTokenIsServed()
    {
        var store = new ObservingStore(EngineHarness.Tokens("at-1", "rt-1", TimeSpan.FromMinutes(2), EngineHarness.Start - TimeSpan.FromMinutes(5)));
        await using var h = new EngineHarness(null, store: store);
        store.Engine = h.Engine;
        h.Handler.ThenTokens("at-2", "rt-2", 3600);
        await h.Engine.StartAsync(default);

        var answer = await h.Engine.GetTokenAsync(default);

        Assert.Equal("at-2", answer.AccessToken);
        Assert.Equal("rt-2", store.Committed!.RefreshToken);
        Assert.NotEqual("at-2", store.ServedAtCommit);
    }

    [Fact]
    public async Task AttemptAsync_TwoEnginesOnOneStore_TheSecondAdoptsInsteadOfSpendingTheRefreshTokenAgain()
    {
        var store = new InMemoryTokenStore(EngineHarness.Tokens("at-1", "rt-1", TimeSpan.FromMinutes(2), EngineHarness.Start - TimeSpan.FromMinutes(5)));
        var handler = new ScriptedHandler().ThenTokens("at-2", "rt-2", 3600).ThenOAuthError("invalid_grant");
        await using var a = new EngineHarness(null, handler: handler, store: store);
        await using var b = new EngineHarness(null, handler: handler, store: store, time: a.Time);
        await Task.WhenAll(a.Engine.StartAsync(default), b.Engine.StartAsync(default));

        var answers = await Task.WhenAll(a.Engine.GetTokenAsync(default).AsTask(), b.Engine.GetTokenAsync(default).AsTask());

        Assert.All(answers, x => Assert.Equal("at-2", x.AccessToken));
        Assert.Equal(1, handler.Requests);
        Assert.Equal(WorkloadStatus.Running, a.Tracker.Status);
        Assert.Equal(WorkloadStatus.Running, b.Tracker.Status);
    }

    [Fact]
    public async Task StartAsync_NoTokensStored_UnauthenticatedNamingTheFix()
    {
        await using var h = new EngineHarness(null);

        await h.Engine.StartAsync(default);

        Assert.Equal(WorkloadStatus.Unauthenticated, h.Tracker.Status);
        Assert.Contains("tether reauth w1", h.Tracker.Reason, StringComparison.Ordinal);
    }

    private sealed class ObservingStore(TokenSet initial) : ITokenStore
    {
        private readonly InMemoryTokenStore _inner = new(initial);

        public TokenLifecycle? Engine { get; set; }

        public TokenSet? Committed { get; private set; }

        public string? ServedAtCommit { get; private set; }

        public ValueTask<TokenSet?> LoadAsync(CancellationToken cancellationToken) => _inner.LoadAsync(cancellationToken);

        public async ValueTask<ITokenLease> AcquireAsync(CancellationToken cancellationToken) =>
            new Lease(this, await _inner.AcquireAsync(cancellationToken));

        private sealed class Lease(ObservingStore owner, ITokenLease inner) : ITokenLease
        {
            public TokenSet? Current => inner.Current;

            public async ValueTask CommitAsync(TokenSet tokens, CancellationToken cancellationToken)
            {
                owner.ServedAtCommit = owner.Engine!.GetTokenAsync(default) is { IsCompletedSuccessfully: true } now ? now.Result.AccessToken : null;
                owner.Committed = tokens;
                await inner.CommitAsync(tokens, cancellationToken);
            }

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}
