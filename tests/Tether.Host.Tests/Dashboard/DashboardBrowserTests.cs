using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.Playwright;
using Tether.Sandbox.Faults;
using Tether.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace Tether.Tests.Dashboard;

/// <summary>The dashboard in a real headless chromium while a workload rides out a WAF outage and gets a verdict.</summary>
public sealed class DashboardBrowserTests : IAsyncLifetime
{
    private static readonly float Wait = (float)HostOnSandbox.Bound.TotalMilliseconds;
    private HostOnSandbox _story = null!;
    private HeadlessChromium _chromium = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _story = await HostOnSandbox.StartAsync(Ct);
        _chromium = await HeadlessChromium.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _chromium.DisposeAsync();
        await _story.DisposeAsync();
    }

    [Fact]
    public async Task Dashboard_WafOutageThenVerdict_RowFollowsLiveAndReauthSignsIn()
    {
        _story.Sandbox.AccessTokenLifetime = TimeSpan.FromSeconds(6);
        var view = await _story.RunSignedInAsync("web", Ct);
        await using var context = await _chromium.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1200, Height = 900 } });
        var requested = new ConcurrentQueue<string>();
        context.Request += (_, request) => requested.Enqueue(request.Url);
        var page = await context.NewPageAsync();

        await page.GotoAsync(await DashboardLinkAsync());

        Assert.EndsWith("/dashboard/", page.Url, StringComparison.Ordinal);
        var row = page.Locator("[data-workload='web']");
        await Expect(row.Locator(".status")).ToHaveTextAsync("running", new() { Timeout = Wait });
        await Expect(row.Locator(".url")).ToHaveTextAsync(view.Url!);
        await Expect(row.Locator(".health")).ToHaveTextAsync("health: healthy");
        await page.EvaluateAsync("() => { window.sameDocument = true; }");

        _story.Sandbox.Faults.Set(TokenEndpointFault.WafHtml403);
        await Expect(row.Locator(".status")).ToHaveTextAsync("auth_retrying", new() { Timeout = Wait });
        await Expect(row.Locator(".health")).ToHaveTextAsync("health: degraded");
        await Expect(row.Locator(".reason")).ToContainTextAsync("403");
        var countdown = row.Locator(".countdown-left");
        await Expect(countdown).ToBeVisibleAsync();
        await ExpectCountdownTicksDownAsync(countdown);

        // The verdict: the next attempt (a request probes at once) meets invalid_grant.
        _story.Sandbox.Faults.Set(TokenEndpointFault.InvalidGrant);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await HostOnSandbox.CallAsync(view, Ct));
        await Expect(row.Locator(".status")).ToHaveTextAsync("unauthenticated", new() { Timeout = Wait });
        await Expect(row.Locator(".reason")).ToContainTextAsync("tether reauth web");
        await Expect(row.Locator(".countdown")).ToBeHiddenAsync();
        await Expect(row.Locator(".history li")).ToHaveCountAsync(await HistoryCountAsync("web"));
        await Expect(row.Locator(".history li").First).ToContainTextAsync("unauthenticated");
        Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true"), "the page reloaded");
        await row.Locator(".transitions summary").ClickAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(HeadlessChromium.ArtifactsFolder("dashboard"), "dashboard-after-verdict.png"), FullPage = true });

        _story.Sandbox.Faults.Clear();
        var popup = await page.RunAndWaitForPopupAsync(() => row.Locator(".reauth").ClickAsync());
        await Expect(row.Locator(".status")).ToHaveTextAsync("running", new() { Timeout = Wait });
        Assert.Contains(requested, url => url.StartsWith(new Uri(_story.Sandbox.Issuer, "authorize").AbsoluteUri, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, await HostOnSandbox.CallAsync(view, Ct));
        await popup.CloseAsync();
    }

    /// <summary>
    /// The countdown redraws by itself: its text drops while the attempt it counts to stays the same.
    /// A retry may fall due while watching (the page then counts to the next one), so a few tries are allowed.
    /// </summary>
    private static async Task ExpectCountdownTicksDownAsync(ILocator countdown)
    {
        var seen = new List<string>();
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var until = await countdown.GetAttributeAsync("data-until");
            var first = await countdown.TextContentAsync();
            await Expect(countdown).Not.ToHaveTextAsync(first!, new() { Timeout = 5000 });
            var second = await countdown.TextContentAsync();
            seen.Add($"{first} -> {second}");
            if (await countdown.GetAttributeAsync("data-until") != until)
            {
                continue;
            }

            Assert.True(Seconds(second!) < Seconds(first!), $"the countdown went from {first} to {second} while counting to the same attempt");
            return;
        }

        Assert.Fail($"every observation spanned a new attempt: {string.Join(", ", seen)}");
    }

    private async Task<string> DashboardLinkAsync()
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_story.Host.ApiUrl, "api/v1/dashboard/links"));
        request.Headers.Authorization = new("Bearer", _story.ApiKey);
        using var response = await http.SendAsync(request, Ct);
        response.EnsureSuccessStatusCode();
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return json.RootElement.GetProperty("url").GetString()!;
    }

    private async Task<int> HistoryCountAsync(string name) => (await _story.Host.Workloads.GetAsync(name, Ct)).History.Count;

    private static int Seconds(string countdown)
    {
        var parts = countdown.Split(':').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return parts.Aggregate(0, (total, part) => (total * 60) + part);
    }
}
