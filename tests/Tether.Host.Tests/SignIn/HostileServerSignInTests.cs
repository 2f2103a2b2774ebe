using System.Web;
using Microsoft.Extensions.Logging.Abstractions;
using Tether.Configuration;
using Tether.SignIn;
using Tether.Store;

namespace Tether.Tests.SignIn;

/// <summary>Sign-in against a server that lies about its resource or floods its answers, on real Kestrel.</summary>
public sealed class HostileServerSignInTests : IAsyncLifetime
{
    /// <summary>What a client may have taken in before stopping: the cap plus what the sockets and Kestrel buffer.</summary>
    private const long MaxFloodSent = 32L * 1024 * 1024;

    private readonly string _home = Directory.CreateTempSubdirectory("tether-hostile-").FullName;
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { Timeout = Timeout.InfiniteTimeSpan };
    private HostileAuthServer _server = null!;
    private TetherStore _store = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SignInService Service => new(_http, _store, TimeProvider.System, TimeSpan.FromMinutes(2));

    public async ValueTask InitializeAsync()
    {
        _server = await HostileAuthServer.StartAsync();
        _store = await TetherStore.OpenAsync(new TetherPaths(_home), KeySourceMode.File, TimeProvider.System, NullLoggerFactory.Instance, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _store.Dispose();
        _http.Dispose();
        Directory.Delete(_home, recursive: true);
    }

    [Theory]
    [InlineData("https://victim.example.com/mcp")]
    [InlineData("http://127.0.0.1:1/mcp")]
    [InlineData("OTHER_PATH")]
    public async Task SignInAsync_MetadataNamesAnotherResource_StopsBeforeAnyBrowserOpens(string resource)
    {
        _server.Resource = resource == "OTHER_PATH" ? new Uri(_server.BaseUrl, "other/mcp").AbsoluteUri : resource;
        var challenge = await Service.DetectAsync(_server.McpUrl, Ct);
        var browserOpened = false;

        var ex = await Assert.ThrowsAsync<SignInException>(() =>
            Service.SignInAsync(new SignInRequest { McpUrl = _server.McpUrl }, challenge, _ => browserOpened = true, Ct));

        Assert.False(browserOpened);
        Assert.Contains($"is for {_server.Resource}, not {_server.McpUrl}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("RFC 9728", ex.Message, StringComparison.Ordinal);
        Assert.Empty(await _store.ListRegistrationsAsync(_server.BaseUrl.AbsoluteUri.TrimEnd('/'), Ct));
    }

    [Fact]
    public async Task SignInAsync_MetadataNamesTheMcpUrlWithATrailingSlash_Accepted()
    {
        _server.Resource = _server.McpUrl.AbsoluteUri + "/";
        var challenge = await Service.DetectAsync(_server.McpUrl, Ct);

        var result = await Service.SignInAsync(new SignInRequest { McpUrl = _server.McpUrl }, challenge, url => _ = PlayBrowserAsync(url), Ct);

        Assert.Equal("at", result.Tokens.AccessToken);
    }

    [Fact]
    public async Task SignInAsync_HugeRegistrationAnswer_ClearErrorWithoutReadingIt()
    {
        await using var flood = new FloodListener();
        _server.RegistrationEndpoint = flood.Url;
        var challenge = await Service.DetectAsync(_server.McpUrl, Ct);

        var ex = await Assert.ThrowsAsync<SignInException>(() =>
            Service.SignInAsync(new SignInRequest { McpUrl = _server.McpUrl }, challenge, _ => { }, Ct));

        Assert.Contains("registration", ex.Message, StringComparison.Ordinal);
        Assert.Contains("more than 1 MiB", ex.Message, StringComparison.Ordinal);
        await flood.Ended.Task.WaitAsync(TimeSpan.FromMinutes(2), Ct);
        Assert.True(flood.Sent < MaxFloodSent, $"the client took in {flood.Sent} bytes");
    }

    [Fact]
    public async Task SignInAsync_HugeCodeExchangeAnswer_ClearErrorWithoutReadingIt()
    {
        await using var flood = new FloodListener();
        _server.TokenEndpoint = flood.Url;
        var challenge = await Service.DetectAsync(_server.McpUrl, Ct);

        var ex = await Assert.ThrowsAsync<SignInException>(() =>
            Service.SignInAsync(new SignInRequest { McpUrl = _server.McpUrl }, challenge, url => _ = PlayBrowserAsync(url), Ct));

        Assert.Contains("code exchange", ex.Message, StringComparison.Ordinal);
        Assert.Contains("more than 1 MiB", ex.Message, StringComparison.Ordinal);
        await flood.Ended.Task.WaitAsync(TimeSpan.FromMinutes(2), Ct);
        Assert.True(flood.Sent < MaxFloodSent, $"the client took in {flood.Sent} bytes");
    }

    /// <summary>The user approving at once: the authorization server redirects to the callback with a code.</summary>
    private async Task PlayBrowserAsync(Uri authorize)
    {
        var query = HttpUtility.ParseQueryString(authorize.Query);
        var callback = $"{query["redirect_uri"]}?code=the-code&state={Uri.EscapeDataString(query["state"]!)}";
        using var http = new HttpClient();
        using var _ = await http.GetAsync(new Uri(callback), Ct);
    }
}
