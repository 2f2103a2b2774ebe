using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Tether.Configuration;
using Tether.Hosting;

namespace Tether.Tests.Api;

public sealed class HostApiTests : IAsyncLifetime
{
    private readonly string _home = Directory.CreateTempSubdirectory("tether-api-").FullName;
    private TetherHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _host = await TetherHost.StartAsync(new TetherHostOptions { Paths = new TetherPaths(_home), TokenOptions = new(), ServerAnswerWait = TimeSpan.FromMinutes(2) }, Ct);

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_home, recursive: true);
    }

    private HttpRequestMessage Request(HttpMethod method, string path, bool withKey = true)
    {
        var request = new HttpRequestMessage(method, new Uri(_host.ApiUrl, path));
        if (withKey)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", HostInfoFile.TryRead(new TetherPaths(_home))!.ApiKey);
        }

        return request;
    }

    [Fact]
    public async Task OpenApi_WithTheKey_DescribesTheWorkloadsApi()
    {
        using var http = new HttpClient();
        using var response = await http.SendAsync(Request(HttpMethod.Get, "openapi/v1.json"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("/api/v1/workloads/{name}/reauth", document, StringComparison.Ordinal);
        Assert.Contains("/api/v1/workloads/{name}/history", document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_WithoutTheKey_Refused()
    {
        using var http = new HttpClient();
        using var response = await http.SendAsync(Request(HttpMethod.Get, "api/v1/workloads", withKey: false), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Api_FromAWebPage_RefusedEvenWithTheKey()
    {
        using var http = new HttpClient();
        using var request = Request(HttpMethod.Get, "api/v1/workloads");
        request.Headers.Add("Origin", "https://evil.example");

        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void HostJson_UserOnly()
    {
        var mode = File.GetUnixFileMode(Path.Combine(_home, "host.json"));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
    }

    [Fact]
    public async Task Run_MalformedBody_400WithAClearMessage()
    {
        using var http = new HttpClient();
        using var request = Request(HttpMethod.Post, "api/v1/workloads");
        request.Content = new StringContent("{not json", Encoding.UTF8, "application/json");

        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not valid JSON", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_SecondHostOnTheSameHome_Refused()
    {
        var ex = await Assert.ThrowsAsync<HostAlreadyRunningException>(() => TetherHost.StartAsync(new TetherHostOptions { Paths = new TetherPaths(_home), TokenOptions = new() }, Ct));

        Assert.Contains("already running", ex.Message, StringComparison.Ordinal);
    }
}
