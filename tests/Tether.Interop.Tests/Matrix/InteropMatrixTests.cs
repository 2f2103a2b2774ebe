using System.Diagnostics;
using System.Net;
using Tether.Interop.Harness;
using Tether.Interop.Servers;

namespace Tether.Interop.Matrix;

/// <summary>
/// The interop matrix: what a user does with Tether against an authorization server it did not write, with default
/// settings (only the lifetime of the access tokens the server issues is chosen by the test). One derived class per server.
/// </summary>
public abstract class InteropMatrixTests
{
    /// <summary>Short enough that refresh and expiry happen within a test, long enough to serve between refreshes.</summary>
    private static readonly TimeSpan ShortLifetime = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan SettleBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ClientPace = TimeSpan.FromSeconds(2);

    /// <summary>The probe interval the spec gives as default: a busy client costs at most one token request per interval.</summary>
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(5);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Starts the server of this row, issuing access tokens that live <paramref name="accessTokenLifetime"/>.</summary>
    protected abstract Task<IInteropServer> StartServerAsync(TimeSpan accessTokenLifetime, CancellationToken cancellationToken);

    [Fact]
    public async Task SignIn_DynamicRegistrationAndPkce_ServesTheRemoteTools()
    {
        await using var server = await StartServerAsync(TimeSpan.FromHours(1), Ct);
        await using var tether = await TetherUnderTest.StartAsync(Ct);

        var view = await tether.RunAndSignInAsync(server.McpUrl, "signin", Ct);

        Assert.True(view.Status == "running", $"{server.Name}: the workload is {view.Status} ({view.StatusReason})");
        Assert.Equal(server.Issuer.AbsoluteUri.TrimEnd('/'), view.Issuer?.TrimEnd('/'));
        var registration = Assert.Single(await tether.RegistrationsAsync(new Uri(view.Issuer!), Ct));
        Assert.Equal(registration.ClientId, view.ClientId);
        using var client = new McpSession(new Uri(view.Url!));
        Assert.True((await client.InitializeAsync(Ct)).Succeeded);
        var echo = await client.EchoAsync("hello through Tether", Ct);
        Assert.True(echo.Succeeded, $"{server.Name}: {echo.Status} {echo.Body}");
        Assert.Contains("hello through Tether", echo.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_RotatingRefreshTokens_KeepsServingWithFreshAccessTokens()
    {
        await using var server = await StartServerAsync(ShortLifetime, Ct);
        await using var tether = await TetherUnderTest.StartAsync(Ct);
        var view = await tether.RunAndSignInAsync(server.McpUrl, "rotation", Ct);
        Assert.True(view.Status == "running", $"{server.Name}: the workload is {view.Status} ({view.StatusReason})");
        using var client = new McpSession(new Uri(view.Url!));
        Assert.True((await client.InitializeAsync(Ct)).Succeeded);

        // Three refreshes, each spending the refresh token the previous one issued: a reused one would be refused.
        for (var refresh = 1; refresh <= 3; refresh++)
        {
            var before = view.TokenExpiresAt;
            view = await tether.WaitForAsync("rotation", v => v.TokenExpiresAt > before || v.Status != "running", $"refresh {refresh}", SettleBound, Ct);
            Assert.True(view.Status == "running", $"{server.Name}, refresh {refresh}: the workload is {view.Status} ({view.StatusReason})");
            var echo = await client.EchoAsync($"after refresh {refresh}", Ct);
            Assert.True(echo.Succeeded, $"{server.Name}, after refresh {refresh}: {echo.Status} {echo.Body}");
        }

        var counters = await server.CountersAsync(Ct);
        Assert.True(counters.BearersAccepted >= 3, $"{server.Name} accepted {counters.BearersAccepted} distinct access tokens");
        Assert.True(counters.RefreshesRefused is null or 0, $"{server.Name} refused {counters.RefreshesRefused} refreshes");
        Assert.DoesNotContain(await tether.HistoryAsync("rotation", Ct), t => t.To != "running" && t.From == "running");
    }

    [Fact]
    public async Task TransientOutage_WafAcrossExpiryThenHealed_FirstRequestsAfterHealingGoThrough()
    {
        await using var server = await StartServerAsync(ShortLifetime, Ct);
        await using var tether = await TetherUnderTest.StartAsync(Ct);
        var view = await tether.RunAndSignInAsync(server.McpUrl, "outage", Ct);
        Assert.True(view.Status == "running", $"{server.Name}: the workload is {view.Status} ({view.StatusReason})");
        using var client = new McpSession(new Uri(view.Url!));
        Assert.True((await client.InitializeAsync(Ct)).Succeeded);
        var tokenRequestsBefore = (await server.CountersAsync(Ct)).TokenRequests;

        await server.SetWafAsync(true, Ct);
        var outage = Stopwatch.StartNew();
        await tether.WaitForAsync("outage", v => v.Status != "running", "the access token expires during the outage", SettleBound, Ct);

        // A client keeps calling across the expiry until Tether has tried the token endpoint again (and been blocked):
        // each call is told to come back, none to sign in again. Healing right after that attempt leaves the next
        // scheduled one at least the long cadence away, so what happens next is the work of the request probes.
        var tried = (await server.CountersAsync(Ct)).TokenRequests;
        while ((await server.CountersAsync(Ct)).TokenRequests == tried)
        {
            var during = await client.EchoAsync("during the outage", Ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, during.Status);
            Assert.NotNull(during.RetryAfter);
            Assert.DoesNotContain("tether reauth", during.Body, StringComparison.Ordinal);
            Assert.True(outage.Elapsed < SettleBound, $"{server.Name}: no token request within {SettleBound.TotalSeconds:0}s of calls during the outage");
            await Task.Delay(ClientPace, Ct);
        }

        Assert.Equal("auth_retrying", (await tether.ViewAsync("outage", Ct)).Status);
        var tokenRequests = (await server.CountersAsync(Ct)).TokenRequests - tokenRequestsBefore;
        var allowed = (int)(outage.Elapsed / ProbeInterval) + 2;
        Assert.True(tokenRequests <= allowed, $"{server.Name}: {tokenRequests} token requests in a {outage.Elapsed.TotalSeconds:0.#}s outage (at most {allowed})");

        await server.SetWafAsync(false, Ct);
        var failedAfterHealing = 0;
        CallOutcome after;
        while (!(after = await client.EchoAsync("after healing", Ct)).Succeeded)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, after.Status);
            failedAfterHealing++;
            Assert.True(failedAfterHealing <= 3, $"{server.Name}: {failedAfterHealing} calls {ClientPace.TotalSeconds:0}s apart failed after healing; the workload is {(await tether.ViewAsync("outage", Ct)).Status}");
            await Task.Delay(ClientPace, Ct);
        }

        Assert.Equal("running", (await tether.ViewAsync("outage", Ct)).Status);
        var history = await tether.HistoryAsync("outage", Ct);
        Assert.Contains(history, t => t.From == "auth_retrying" && t.To == "running");
        Assert.DoesNotContain(history, t => t.To == "unauthenticated");
    }

    [Fact]
    public async Task RevokedGrant_NextRefresh_UnauthenticatedWithTheFix()
    {
        await using var server = await StartServerAsync(ShortLifetime, Ct);
        await using var tether = await TetherUnderTest.StartAsync(Ct);
        var view = await tether.RunAndSignInAsync(server.McpUrl, "revoked", Ct);
        Assert.True(view.Status == "running", $"{server.Name}: the workload is {view.Status} ({view.StatusReason})");
        using var client = new McpSession(new Uri(view.Url!));
        Assert.True((await client.InitializeAsync(Ct)).Succeeded);

        await server.RevokeGrantsAsync(Ct);
        view = await tether.WaitForAsync("revoked", v => v.Status == "unauthenticated", "the refused refresh makes the workload unauthenticated", SettleBound, Ct);

        Assert.Contains("tether reauth revoked", view.StatusReason, StringComparison.Ordinal);
        Assert.Contains("invalid_grant", view.StatusReason, StringComparison.Ordinal);
        var tokenRequests = (await server.CountersAsync(Ct)).TokenRequests;
        var answer = await client.EchoAsync("after the verdict", Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Status);
        Assert.Contains("tether reauth revoked", answer.Body, StringComparison.Ordinal);
        Assert.Equal(tokenRequests, (await server.CountersAsync(Ct)).TokenRequests);
    }
}
