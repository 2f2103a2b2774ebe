using System.Net;
using Tether.Tests.Fixtures;
using Tether.Tokens;
using Tether.Workloads;

namespace Tether.Tests.Tokens;

/// <summary>Probes with default settings: at most one per interval, deferred to its end rather than dropped.</summary>
public sealed class TokenLifecycleProbeTests
{
    [Fact]
    public async Task GetTokenAsync_AuthRetryingInsideTheProbeInterval_WaitsForTheDeferredProbeNotForTheCadence()
    {
        await using var h = await EngineHarness.RunningAsync(TimeSpan.FromMinutes(2));
        h.Handler.ThenStatus(HttpStatusCode.ServiceUnavailable);
        await h.AdvanceAsync(TimeSpan.FromMinutes(2));
        await Eventually.TrueAsync(() => h.Tracker.Status == WorkloadStatus.AuthRetrying, "auth_retrying");
        await h.AdvanceAsync(TimeSpan.FromSeconds(10));
        var first = await h.RequestAsync();
        var probed = h.Handler.RequestTimes[^1];
        h.Handler.ThenTokens("at-2", "rt-2", 3600);

        await h.AdvanceAsync(TimeSpan.FromSeconds(2));
        var pending = h.Engine.GetTokenAsync(default).AsTask();
        await Eventually.SettleAsync();
        Assert.False(pending.IsCompleted, "the request waits for the probe at the end of the interval");
        await h.AdvanceAsync(TimeSpan.FromSeconds(3));
        var second = await pending.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(TokenAnswerKind.Retrying, first.Kind);
        Assert.Equal(TokenAnswerKind.Token, second.Kind);
        Assert.Equal(probed + TimeSpan.FromSeconds(5), h.Handler.RequestTimes[^1]);
    }

    [Fact]
    public async Task NotifyNetworkChanged_InsideTheProbeInterval_DeferredToItsEndNotDropped()
    {
        await using var h = await EngineHarness.RunningAsync(TimeSpan.FromMinutes(2));
        h.Handler.ThenStatus(HttpStatusCode.Forbidden, "<html>WAF</html>");
        await h.AdvanceAsync(TimeSpan.FromMinutes(3));
        await Eventually.TrueAsync(() => h.Tracker.Status == WorkloadStatus.AuthRetrying, "auth_retrying");
        var cadence = h.Engine.NextAttemptAt!.Value;
        await h.AdvanceAsync(cadence - h.Time.GetUtcNow() + TimeSpan.FromMilliseconds(1));
        await Eventually.TrueAsync(() => h.Handler.RequestTimes[^1] == cadence, "the cadence attempt");
        h.Handler.ThenTokens("at-2", "rt-2", 3600);

        await h.AdvanceAsync(TimeSpan.FromSeconds(1));
        h.Engine.NotifyNetworkChanged();
        await h.AdvanceAsync(TimeSpan.FromSeconds(3));
        Assert.Equal(WorkloadStatus.AuthRetrying, h.Tracker.Status);
        await h.AdvanceAsync(TimeSpan.FromSeconds(2));

        await Eventually.TrueAsync(() => h.Tracker.Status == WorkloadStatus.Running, "running through the deferred probe");
        Assert.Equal(cadence + TimeSpan.FromSeconds(5), h.Handler.RequestTimes[^1]);
        Assert.True(h.Engine.NextAttemptAt > cadence + TimeSpan.FromMinutes(30), "back on the refresh-ahead schedule");
    }

    [Fact]
    public async Task GetTokenAsync_RequestEveryTwoSecondsThroughAnOutage_OneTokenRequestPerIntervalAndBackWithinFiveSeconds()
    {
        // A one-minute token is refreshed at 30 s: the 60 s outage from then on spans its expiry.
        await using var h = await EngineHarness.RunningAsync(TimeSpan.FromMinutes(1));
        var outageStart = EngineHarness.Start + TimeSpan.FromSeconds(30);
        var healAt = outageStart + TimeSpan.FromSeconds(60);
        h.Handler.Then(_ => h.Time.GetUtcNow() < healAt
            ? new HttpResponseMessage(HttpStatusCode.Forbidden) { Content = new StringContent("<html>WAF</html>") }
            : ScriptedHandler.Json(HttpStatusCode.OK, """{"access_token":"at-2","refresh_token":"rt-2","expires_in":3600}"""));
        var answers = new List<(DateTimeOffset At, TokenAnswerKind Kind)>();

        await h.AdvanceAsync(outageStart - h.Time.GetUtcNow());
        while (h.Time.GetUtcNow() < healAt + TimeSpan.FromSeconds(10))
        {
            var asked = h.Time.GetUtcNow();
            var answer = await h.RequestAsync();
            answers.Add((h.Time.GetUtcNow(), answer.Kind));
            var next = asked + TimeSpan.FromSeconds(2) - h.Time.GetUtcNow();
            if (next > TimeSpan.Zero)
            {
                await h.AdvanceAsync(next);
            }
        }

        var firstSuccess = answers.First(a => a.At >= healAt && a.Kind == TokenAnswerKind.Token).At;
        Assert.InRange(firstSuccess - healAt, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        var outageRequests = h.Handler.RequestTimes.Where(t => t >= outageStart && t < healAt).ToList();
        Assert.All(outageRequests.Zip(outageRequests.Skip(1)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromSeconds(5), $"{pair.First:T} then {pair.Second:T}"));
        Assert.InRange(outageRequests.Count, 5, 13);
    }
}
