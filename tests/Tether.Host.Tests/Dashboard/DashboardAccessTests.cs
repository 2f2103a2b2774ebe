using System.Net;
using System.Text.Json;
using Tether.Tests.Fixtures;

namespace Tether.Tests.Dashboard;

/// <summary>Who gets the dashboard: the one-time link, the session cookie, and refusals of other origins and sites.</summary>
public sealed class DashboardAccessTests : IAsyncLifetime
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false });
    private HostOnSandbox _story = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _story = await HostOnSandbox.StartAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _story.DisposeAsync();
    }

    [Fact]
    public async Task Open_OneTimeLink_SetsAStrictHttpOnlyCookieOnceOnly()
    {
        var link = await LinkAsync();

        using var first = await _http.GetAsync(link, Ct);
        using var second = await _http.GetAsync(link, Ct);

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal("/dashboard/", first.Headers.Location?.OriginalString);
        var cookie = Assert.Single(first.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("tether_dashboard=", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Forbidden, second.StatusCode);
        Assert.False(second.Headers.Contains("Set-Cookie"));
        Assert.Contains("already used", await second.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_WithTheCookie_Served()
    {
        var cookie = await SessionCookieAsync();

        using var page = await GetAsync("dashboard/", cookie);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("/dashboard/dashboard.js", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_NoCookieOrAForgedOne_Nothing()
    {
        await _story.RunSignedInAsync("secretive", Ct);

        foreach (var cookie in new string?[] { null, "tether_dashboard=forged" })
        {
            foreach (var path in new[] { "dashboard/", "dashboard/events", "dashboard/dashboard.js" })
            {
                using var response = await GetAsync(path, cookie);
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                Assert.DoesNotContain("secretive", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Page_ForeignOriginOrCrossSite_403EvenWithTheCookie()
    {
        var cookie = await SessionCookieAsync();

        using var foreign = await GetAsync("dashboard/events", cookie, ("Origin", "https://evil.example"));
        using var crossSite = await GetAsync("dashboard/", cookie, ("Sec-Fetch-Site", "cross-site"));
        using var rebound = await GetAsync("dashboard/", cookie, ("Host", "evil.example"));

        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, rebound.StatusCode);
    }

    [Fact]
    public async Task Stop_FromAnotherOriginOrWithoutOrigin_RefusedAndTheWorkloadKeepsRunning()
    {
        await _story.RunSignedInAsync("kept", Ct);
        var cookie = await SessionCookieAsync();

        using var foreign = await PostAsync("dashboard/workloads/kept/stop", cookie, "https://evil.example");
        using var none = await PostAsync("dashboard/workloads/kept/stop", cookie, null);
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, none.StatusCode);
        Assert.Equal("running", (await _story.Host.Workloads.GetAsync("kept", Ct)).Workload.Status);

        using var own = await PostAsync("dashboard/workloads/kept/stop", cookie, $"http://127.0.0.1:{_story.Host.ApiUrl.Port}");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal("stopped", (await _story.Host.Workloads.GetAsync("kept", Ct)).Workload.Status);
    }

    [Fact]
    public async Task Link_WithoutTheHostKey_401()
    {
        using var response = await _http.PostAsync(new Uri(_story.Host.ApiUrl, "api/v1/dashboard/links"), null, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task<Uri> LinkAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_story.Host.ApiUrl, "api/v1/dashboard/links"));
        request.Headers.Authorization = new("Bearer", _story.ApiKey);
        using var response = await _http.SendAsync(request, Ct);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return new Uri(json.RootElement.GetProperty("url").GetString()!);
    }

    private async Task<string> SessionCookieAsync()
    {
        using var opened = await _http.GetAsync(await LinkAsync(), Ct);
        return opened.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string? cookie, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_story.Host.ApiUrl, path));
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        foreach (var (name, value) in headers)
        {
            if (name == "Host")
            {
                request.Headers.Host = value;
            }
            else
            {
                request.Headers.Add(name, value);
            }
        }

        return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string cookie, string? origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_story.Host.ApiUrl, path));
        request.Headers.Add("Cookie", cookie);
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await _http.SendAsync(request, Ct);
    }
}
