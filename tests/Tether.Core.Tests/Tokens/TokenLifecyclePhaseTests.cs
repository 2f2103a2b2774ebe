using System.Net;
using Tether.Tests.Fixtures;
using Tether.Tokens;
using Tether.Workloads;

namespace Tether.Tests.Tokens;

/// <summary>
/// The engine's phases as a table: what the token endpoint answers and how long the workload runs, against the phase
/// the engine is in, the status users see, its health and what a request gets. The phase and the status never disagree.
/// </summary>
public sealed class TokenLifecyclePhaseTests
{
    public enum Answer
    {
        Tokens,
        Unavailable503,
        InvalidGrant,
    }

    public static TheoryData<string, Answer[], int, string, WorkloadStatus, WorkloadHealth, TokenAnswerKind> Transitions() => new()
    {
        // Token lifetime 2 min: the refresh ahead of expiry is due at 60 s (at least 60 s before expiry), short retries
        // follow 10 s, 15 s, 22.5 s and 33.75 s later, and the token is usable until 115 s.
        { "before the refresh ahead of expiry", [], 50, "Valid", WorkloadStatus.Running, WorkloadHealth.Healthy, TokenAnswerKind.Token },
        { "refreshed ahead of expiry", [Answer.Tokens], 65, "Valid", WorkloadStatus.Running, WorkloadHealth.Healthy, TokenAnswerKind.Token },
        { "refresh fails while the token works", [Answer.Unavailable503], 65, "RetryingAhead", WorkloadStatus.Running, WorkloadHealth.Healthy, TokenAnswerKind.Token },
        { "refresh fails, then the retry succeeds", [Answer.Unavailable503, Answer.Tokens], 75, "Valid", WorkloadStatus.Running, WorkloadHealth.Healthy, TokenAnswerKind.Token },
        { "refresh fails until the token expired", [Answer.Unavailable503], 150, "AuthRetrying", WorkloadStatus.AuthRetrying, WorkloadHealth.Degraded, TokenAnswerKind.Retrying },
        { "auth_retrying, then an attempt succeeds", [.. Enumerable.Repeat(Answer.Unavailable503, 4), Answer.Tokens], 240, "Valid", WorkloadStatus.Running, WorkloadHealth.Healthy, TokenAnswerKind.Token },
        { "refused while the token works", [Answer.InvalidGrant], 65, "Refused", WorkloadStatus.Running, WorkloadHealth.Degraded, TokenAnswerKind.Token },
        { "refused, then the token expired", [Answer.InvalidGrant], 150, "Unauthenticated", WorkloadStatus.Unauthenticated, WorkloadHealth.Unauthenticated, TokenAnswerKind.Unauthenticated },
        { "auth_retrying, then refused", [.. Enumerable.Repeat(Answer.Unavailable503, 4), Answer.InvalidGrant], 240, "Unauthenticated", WorkloadStatus.Unauthenticated, WorkloadHealth.Unauthenticated, TokenAnswerKind.Unauthenticated },
        { "transient failures past the ceiling", [Answer.Unavailable503], 45 * 60, "Unauthenticated", WorkloadStatus.Unauthenticated, WorkloadHealth.Unauthenticated, TokenAnswerKind.Unauthenticated },
    };

    [Theory]
    [MemberData(nameof(Transitions))]
    public async Task Engine_Answers_PhaseAndStatusAgree(string scenario, Answer[] answers, int seconds, string phase, WorkloadStatus status, WorkloadHealth health, TokenAnswerKind request)
    {
        var options = new TokenLifecycleOptions { AuthRetryingMaxElapsed = TimeSpan.FromMinutes(30), AuthRetryingTickInterval = TimeSpan.FromMinutes(5) };
        await using var h = new EngineHarness(EngineHarness.Tokens("at-1", "rt-1", TimeSpan.FromMinutes(2)), options);
        foreach (var answer in answers)
        {
            _ = answer switch
            {
                Answer.Tokens => h.Handler.ThenTokens("at-2", "rt-2", 3600),
                Answer.Unavailable503 => h.Handler.ThenStatus(HttpStatusCode.ServiceUnavailable),
                _ => h.Handler.ThenOAuthError("invalid_grant"),
            };
        }

        await h.Engine.StartAsync(default);
        await h.AdvanceAsync(TimeSpan.FromSeconds(seconds));

        Assert.True(Enum.Parse<EnginePhase>(phase) == h.Engine.Phase, $"{scenario}: phase {h.Engine.Phase}, expected {phase}");
        Assert.Equal(status, h.Tracker.Status);
        Assert.Equal(health, h.Tracker.Status.ToHealth(h.Engine.RefreshRefused));
        Assert.Equal(request, (await h.Engine.GetTokenAsync(default)).Kind);
        Assert.True(h.Handler.Requests >= answers.Length, $"{scenario}: {h.Handler.Requests} of {answers.Length} scripted answers used");
    }

    [Fact]
    public async Task StartAsync_NoTokensStored_UnauthenticatedPhaseAndNoMonitorWakes()
    {
        await using var h = new EngineHarness(null);

        await h.Engine.StartAsync(default);
        await Eventually.TrueAsync(() => h.Engine.MonitorPark.Until is not null, "the monitor to sleep");

        Assert.Equal(EnginePhase.Unauthenticated, h.Engine.Phase);
        Assert.Equal(WorkloadStatus.Unauthenticated, h.Tracker.Status);
        Assert.Equal(DateTimeOffset.MaxValue, h.Engine.MonitorPark.Until);
    }

    [Fact]
    public async Task StopAsync_Running_StoppedPhaseServesNothingAndKeepsTheStatusToItsOwner()
    {
        await using var h = new EngineHarness(EngineHarness.Tokens("at-1", "rt-1", TimeSpan.FromHours(1)));
        await h.Engine.StartAsync(default);

        await h.Engine.StopAsync();
        await h.Engine.StartAsync(default);

        Assert.Equal(EnginePhase.Stopped, h.Engine.Phase);
        Assert.Equal(TokenAnswerKind.Unavailable, (await h.Engine.GetTokenAsync(default)).Kind);
        Assert.Equal([WorkloadStatus.Running], h.Sink.Statuses);
    }

    [Fact]
    public async Task Monitor_Idle_ParksUntilTheRefreshAheadOfExpiry()
    {
        await using var h = new EngineHarness(EngineHarness.Tokens("at-1", "rt-1", TimeSpan.FromHours(1)));
        await h.Engine.StartAsync(default);

        await Eventually.TrueAsync(() => h.Engine.MonitorPark.Until is not null, "the monitor to sleep");
        var park = h.Engine.MonitorPark;
        await h.AdvanceAsync(TimeSpan.FromMinutes(47));

        // One park for the whole wait, not a wake-up every few seconds: idle workloads cost no CPU.
        Assert.Equal(EngineHarness.Start + TimeSpan.FromMinutes(48), park.Until);
        Assert.Equal(park.Count, h.Engine.MonitorPark.Count);
        Assert.Equal(0, h.Handler.Requests);
    }

    [Fact]
    public async Task Monitor_TransientPastTheCeiling_ReasonAndAnswerNameReauth()
    {
        var options = new TokenLifecycleOptions { AuthRetryingMaxElapsed = TimeSpan.FromHours(24) };
        await using var h = new EngineHarness(EngineHarness.Tokens("at-1", "rt-1", TimeSpan.FromMinutes(2)), options);
        h.Handler.ThenStatus(HttpStatusCode.BadGateway);
        await h.Engine.StartAsync(default);

        await h.AdvanceAsync(TimeSpan.FromHours(25));

        Assert.Equal(WorkloadStatus.Unauthenticated, h.Tracker.Status);
        Assert.Equal("transient failures for over 24h: token endpoint answered http 502: run 'tether reauth w1'", h.Tracker.Reason);
        var answer = await h.Engine.GetTokenAsync(default);
        Assert.Equal(TokenAnswerKind.Unauthenticated, answer.Kind);
        Assert.Contains("tether reauth w1", answer.Reason, StringComparison.Ordinal);
    }
}
