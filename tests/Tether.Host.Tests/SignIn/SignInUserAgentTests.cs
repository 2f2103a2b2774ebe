using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Tether.Configuration;
using Tether.Sandbox;
using Tether.SignIn;
using Tether.Store;
using Tether.Tokens;

namespace Tether.Tests.SignIn;

/// <summary>Every request a sign-in makes to the authorization server says who it is: <c>User-Agent: Tether/&lt;version&gt;</c>.</summary>
public sealed class SignInUserAgentTests : IAsyncLifetime
{
    private readonly string _home = Directory.CreateTempSubdirectory("tether-ua-").FullName;
    private readonly Recorder _recorder = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
    private SandboxServer _sandbox = null!;
    private TetherStore _store = null!;
    private HttpClient _http = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions(), Ct);
        _store = await TetherStore.OpenAsync(new TetherPaths(_home), KeySourceMode.File, TimeProvider.System, NullLoggerFactory.Instance, Ct);
        _http = new HttpClient(_recorder);
    }

    public async ValueTask DisposeAsync()
    {
        await _sandbox.DisposeAsync();
        _store.Dispose();
        _http.Dispose();
        Directory.Delete(_home, recursive: true);
    }

    [Fact]
    public async Task SignInAsync_MetadataRegistrationAndCodeExchange_AllCarryTethersUserAgent()
    {
        using var plain = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
        var challenge = await new SignInService(plain, _store, TimeProvider.System, TimeSpan.FromMinutes(2)).DetectAsync(_sandbox.McpUrl, Ct);
        var service = new SignInService(_http, _store, TimeProvider.System, TimeSpan.FromMinutes(2));

        await service.SignInAsync(new SignInRequest { McpUrl = _sandbox.McpUrl }, challenge, url => _ = _sandbox.CompleteSignInAsync(url, Ct), Ct);

        var toServer = _recorder.Seen.Where(r => r.Path.Contains("well-known", StringComparison.Ordinal) || r.Method == "POST" && !r.Path.EndsWith("/mcp", StringComparison.Ordinal)).ToList();
        Assert.Contains(toServer, r => r.Path.Contains("oauth-authorization-server", StringComparison.Ordinal) || r.Path.Contains("openid-configuration", StringComparison.Ordinal));
        Assert.Contains(toServer, r => r.Method == "POST" && r.Path.Contains("regist", StringComparison.Ordinal));
        Assert.Contains(toServer, r => r.Method == "POST" && r.Path.Contains("token", StringComparison.Ordinal));
        Assert.All(toServer, r => Assert.Equal($"Tether/{TokenEndpointClient.Version}", r.UserAgent));
    }

    private sealed class Recorder(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public ConcurrentQueue<(string Method, string Path, string UserAgent)> Seen { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Seen.Enqueue((request.Method.Method, request.RequestUri!.AbsolutePath, request.Headers.UserAgent.ToString()));
            return base.SendAsync(request, cancellationToken);
        }
    }
}
