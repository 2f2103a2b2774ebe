using System.Net;
using Tether.Hosting;
using Tether.Sandbox.Faults;
using Tether.Tests.Fixtures;
using Tether.Workloads;

namespace Tether.Tests.Metrics;

/// <summary><c>/metrics</c> as Prometheus reads it, while a workload rides out a WAF outage and then gets a verdict.</summary>
[Collection(nameof(AloneInProcess))]
public sealed class MetricsTests : IAsyncLifetime
{
    private readonly int _metricsPort = LoopbackPorts.Free();
    private readonly string _name = "metrics-" + Guid.NewGuid().ToString("N")[..8];
    private string _lastScrape = "";
    private HostOnSandbox _story = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _story = await HostOnSandbox.StartAsync(Ct, _metricsPort);

    public async ValueTask DisposeAsync() => await _story.DisposeAsync();

    [Fact]
    public async Task Metrics_WafOutageThenVerdict_SeriesFollowTheStory()
    {
        _story.Sandbox.AccessTokenLifetime = TimeSpan.FromSeconds(6);
        var view = await _story.RunSignedInAsync(_name, Ct);
        Assert.Equal(HttpStatusCode.OK, await HostOnSandbox.CallAsync(view, Ct));

        var before = await ScrapeAsync();
        Assert.Equal(1, before.Value("tether_workload_status", ("workload", _name), ("status", "running")));
        Assert.Equal(0, before.Value("tether_workload_status", ("workload", _name), ("status", "auth_retrying")));
        Assert.Equal("gauge", before.TypeOf("tether_workload_status"));
        Assert.True(before.Sum("tether_proxy_requests_total", ("workload", _name), ("status_code", "200")) >= 1);
        Assert.True(before.Sum("tether_proxy_request_duration_seconds_count", ("workload", _name), ("status_code", "200")) >= 1);

        // Tokens live 6 s and are refreshed at half-life: a successful refresh comes within seconds.
        // One scrape runs the observed gauges before it reads the counters, so a refresh that ends in between shows
        // in the count but not yet in the time since it: the next scrape has both.
        var refreshed = await ScrapeUntilAsync(
            m => m.Sum("tether_token_refreshes_total", ("workload", _name), ("outcome", "success"), ("http_status", "200")) >= 1
                && m.Value("tether_token_since_last_refresh_seconds", ("workload", _name)) is not null,
            "a successful refresh");
        Assert.Equal("counter", refreshed.TypeOf("tether_token_refreshes_total"));
        Assert.Equal("histogram", refreshed.TypeOf("tether_token_endpoint_duration_seconds"));
        Assert.True(refreshed.Sum("tether_token_endpoint_duration_seconds_count", ("workload", _name), ("outcome", "success")) >= 1);
        Assert.InRange(refreshed.Value("tether_token_since_last_refresh_seconds", ("workload", _name)) ?? -1, 0, 30);

        _story.Sandbox.Faults.Set(TokenEndpointFault.WafHtml403);
        await _story.WaitForStatusAsync(_name, WorkloadStatus.AuthRetrying, Ct);
        var outage = await ScrapeAsync();
        Assert.Equal(1, outage.Value("tether_workload_status", ("workload", _name), ("status", "auth_retrying")));
        Assert.Equal(0, outage.Value("tether_workload_status", ("workload", _name), ("status", "running")));
        Assert.True(outage.Sum("tether_token_refreshes_total", ("workload", _name), ("outcome", "transient"), ("http_status", "403")) >= 1);
        Assert.Equal(0, outage.Sum("tether_token_refreshes_total", ("workload", _name), ("outcome", "permanent")));
        Assert.True(outage.Sum("tether_token_endpoint_duration_seconds_count", ("workload", _name), ("outcome", "transient")) >= 1);

        _story.Sandbox.Faults.Clear();
        var healed = _story.WaitForStatusAsync(_name, WorkloadStatus.Running, Ct);
        await HostOnSandbox.CallAsync(view, Ct);
        await healed;
        Assert.Equal(1, (await ScrapeAsync()).Value("tether_workload_status", ("workload", _name), ("status", "running")));

        _story.Sandbox.Faults.Set(TokenEndpointFault.InvalidGrant);
        await _story.WaitForStatusAsync(_name, WorkloadStatus.Unauthenticated, Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await HostOnSandbox.CallAsync(view, Ct));
        var verdict = await ScrapeAsync();
        Assert.Equal(1, verdict.Value("tether_workload_status", ("workload", _name), ("status", "unauthenticated")));
        Assert.Equal(0, verdict.Value("tether_workload_status", ("workload", _name), ("status", "running")));
        Assert.True(verdict.Sum("tether_token_refreshes_total", ("workload", _name), ("outcome", "permanent"), ("http_status", "400")) >= 1);
        Assert.True(verdict.Sum("tether_proxy_requests_total", ("workload", _name), ("status_code", "503")) >= 1);
    }

    [Fact]
    public async Task Metrics_ApiPort_NeedsTheHostKey()
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        using var without = await http.GetAsync(new Uri(_story.Host.ApiUrl, "metrics"), Ct);
        using var with = await _story.GetWithKeyAsync("metrics", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.Equal(HttpStatusCode.OK, with.StatusCode);
        Assert.Equal("gauge", PrometheusText.Parse(await with.Content.ReadAsStringAsync(Ct)).TypeOf("target_info"));
    }

    [Fact]
    public async Task Metrics_MetricsPort_OnlyMetricsAndOnlyForLoopbackNames()
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        using var api = await http.GetAsync(new Uri($"http://127.0.0.1:{_metricsPort}/api/v1/workloads"), Ct);
        using var rebound = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{_metricsPort}/metrics"));
        rebound.Headers.Host = "attacker.example";
        using var rebinding = await http.SendAsync(rebound, Ct);

        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, rebinding.StatusCode);
    }

    private async Task<PrometheusText> ScrapeAsync()
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{_metricsPort}/metrics"), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        _lastScrape = await response.Content.ReadAsStringAsync(Ct);
        return PrometheusText.Parse(_lastScrape);
    }

    private async Task<PrometheusText> ScrapeUntilAsync(Func<PrometheusText, bool> condition, string what)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bound.CancelAfter(HostOnSandbox.Bound);
        while (true)
        {
            var scraped = await ScrapeAsync();
            if (condition(scraped))
            {
                return scraped;
            }

            try
            {
                await Task.Delay(200, bound.Token);
            }
            catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
            {
                var lines = _lastScrape.Split('\n').Where(l => l.Contains(_name, StringComparison.Ordinal) || l.StartsWith("# TYPE tether_token", StringComparison.Ordinal));
                throw new TimeoutException($"not seen within {HostOnSandbox.Bound.TotalSeconds:0}s: {what}; the last scrape had:\n{string.Join('\n', lines)}");
            }
        }
    }
}
