using System.Net;
using Tether.Tests.Fixtures;
using Tether.Tokens;
using Tether.Workloads;

namespace Tether.Tests.Tokens;

/// <summary>A refused refresh while the token works, and how failures are logged.</summary>
public sealed class TokenLifecycleVerdictTests
{
    [Fact]
    public async Task Monitor_InvalidGrantWhileTheTokenWorks_ServesUntilExpiryDegradedThenUnauthenticated()
    {
        await using var h = await EngineHarness.RunningAsync(TimeSpan.FromMinutes(2));
        h.Handler.Then(_ => ScriptedHandler.Json(HttpStatusCode.BadRequest, """{"error":"invalid_grant","error_description":"grant revoked"}"""));

        await h.AdvanceAsync(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => h.Handler.Requests == 1, "the refresh ahead of expiry");
        await Eventually.TrueAsync(() => h.Engine.RefreshRefused, "the verdict is applied");

        Assert.Equal(WorkloadStatus.Running, h.Tracker.Status);
        Assert.Equal(WorkloadHealth.Degraded, h.Tracker.Status.ToHealth(h.Engine.RefreshRefused));
        Assert.Equal("refresh refused (invalid_grant: grant revoked): sign in again before 08:01 with tether reauth w1", h.Tracker.Reason);
        Assert.Equal("at-1", (await h.Engine.GetTokenAsync(default)).AccessToken);
        Assert.Null(h.Engine.NextAttemptAt);

        await h.AdvanceAsync(TimeSpan.FromSeconds(50));
        Assert.Equal(WorkloadStatus.Running, h.Tracker.Status);
        Assert.Equal("at-1", (await h.RequestAsync()).AccessToken);
        await h.AdvanceAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(WorkloadStatus.Unauthenticated, h.Tracker.Status);
        Assert.Contains("tether reauth w1", h.Tracker.Reason, StringComparison.Ordinal);
        Assert.Equal(TokenAnswerKind.Unauthenticated, (await h.Engine.GetTokenAsync(default)).Kind);
        Assert.False(h.Engine.RefreshRefused);
        Assert.Equal(1, h.Handler.Requests);
        Assert.Equal([WorkloadStatus.Running, WorkloadStatus.Unauthenticated], h.Sink.Statuses);
    }

    [Fact]
    public async Task RefreshAfterRejectionAsync_AfterARefusedRefresh_UnauthenticatedWithoutCallingTheEndpoint()
    {
        await using var h = await EngineHarness.RunningAsync(TimeSpan.FromMinutes(2));
        h.Handler.ThenOAuthError("invalid_grant");
        await h.AdvanceAsync(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => h.Engine.RefreshRefused, "the verdict is applied");

        var answer = await h.Engine.RefreshAfterRejectionAsync("at-1", default);

        Assert.Equal(TokenAnswerKind.Unauthenticated, answer.Kind);
        Assert.Equal(WorkloadStatus.Unauthenticated, h.Tracker.Status);
        Assert.Contains("rejected the access token (http 401)", h.Tracker.Reason, StringComparison.Ordinal);
        Assert.Equal(1, h.Handler.Requests);
    }

    [Fact]
    public async Task Monitor_FailureLogs_LeaveOutFieldsWithoutAValue()
    {
        await using var h = await EngineHarness.RunningAsync(TimeSpan.FromMinutes(2));
        h.Handler.ThenStatus(HttpStatusCode.Forbidden, "<html>WAF</html>")
            .Then(_ => throw new HttpRequestException(HttpRequestError.ConnectionError, "refused"))
            .Then(_ => ScriptedHandler.Json(HttpStatusCode.BadRequest, """{"error":"invalid_grant","error_description":"grant revoked"}"""));

        await h.AdvanceAsync(TimeSpan.FromMinutes(3));

        var records = h.LogCollector.GetSnapshot();
        var waf = records.First(r => r.Id.Id == 1002);
        var network = records.Where(r => r.Id.Id == 1002).Skip(1).First();
        var verdict = records.Single(r => r.Id.Id == 1003);
        Assert.Contains("failed transiently (http 403): ", waf.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(waf.StructuredState!, kv => kv.Key == "oauth_error");
        Assert.Equal("403", waf.StructuredState!.Single(kv => kv.Key == "http_status").Value);
        Assert.Contains("failed transiently: token endpoint unreachable", network.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(network.StructuredState!, kv => kv.Key is "http_status" or "oauth_error");
        Assert.Contains("(http 400, oauth error invalid_grant): ", verdict.Message, StringComparison.Ordinal);
        Assert.Equal("grant revoked", verdict.StructuredState!.Single(kv => kv.Key == "oauth_error_description").Value);
        Assert.All(records, r => Assert.DoesNotContain("()", r.Message, StringComparison.Ordinal));
        Assert.All(records, r => Assert.DoesNotContain("oauth error )", r.Message, StringComparison.Ordinal));
    }
}
