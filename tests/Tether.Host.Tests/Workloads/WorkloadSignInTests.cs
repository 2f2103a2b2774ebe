using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tether.Api;
using Tether.Configuration;
using Tether.Hosting;
using Tether.Sandbox;

using Tether.Tests.Fixtures;

namespace Tether.Tests.Workloads;

/// <summary>A host's workloads against the sandbox: the sign-in choices of <c>tether run</c>, and the local port.</summary>
public sealed class WorkloadSignInTests : IAsyncLifetime
{
    private readonly string _home = Directory.CreateTempSubdirectory("tether-workloads-").FullName;
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
    private SandboxServer _sandbox = null!;
    private TetherHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions(), Ct);
        _host = await TetherHost.StartAsync(new TetherHostOptions { Paths = new TetherPaths(_home), TokenOptions = new(), Advertise = false, ServerAnswerWait = TimeSpan.FromMinutes(2) }, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _sandbox.DisposeAsync();
        _http.Dispose();
        Directory.Delete(_home, recursive: true);
    }

    [Fact]
    public async Task Run_ClientMetadataDocumentAdvertised_ItsUrlIsTheClientId()
    {
        await using var document = await ClientDocument.StartAsync(self => $$"""{"client_id":"{{self}}","client_name":"Tether","redirect_uris":["http://127.0.0.1/callback"],"token_endpoint_auth_method":"none"}""");

        var view = await _host.Workloads.RunAndSignInAsync(_sandbox, new RunWorkloadRequest { Url = _sandbox.McpUrl.AbsoluteUri, Name = "cimd", ClientMetadataUrl = document.Url.AbsoluteUri }, Ct);

        Assert.Equal("running", view.Status);
        Assert.Equal(document.Url.AbsoluteUri, view.ClientId);
        Assert.True(document.Fetches > 0, "the authorization server fetched the document");
        Assert.Empty(await _host.Store.ListRegistrationsAsync(_sandbox.Issuer.AbsoluteUri, Ct));
        Assert.Equal(HttpStatusCode.OK, await InitializeThroughAsync(view));
    }

    [Fact]
    public async Task Run_ClientMetadataDocumentNamingAnotherClient_ClearError()
    {
        await using var document = await ClientDocument.StartAsync(_ => """{"client_id":"https://elsewhere.example/client.json","redirect_uris":["http://127.0.0.1/callback"]}""");

        var view = await _host.Workloads.RunAndSignInAsync(_sandbox, new RunWorkloadRequest { Url = _sandbox.McpUrl.AbsoluteUri, Name = "cimd-bad", ClientMetadataUrl = document.Url.AbsoluteUri }, Ct);

        Assert.Equal("error", view.Status);
        Assert.Contains("must name itself as client_id", view.StatusReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_GivenEndpointsAndClient_SignsInWithoutDiscovery()
    {
        _sandbox.RegisterClient("given-client", null, [new Uri("http://127.0.0.1/callback")]);

        var view = await _host.Workloads.RunAndSignInAsync(_sandbox, new RunWorkloadRequest
        {
            Url = _sandbox.McpUrl.AbsoluteUri,
            Name = "given",
            ClientId = "given-client",
            AuthorizeUrl = new Uri(_sandbox.Issuer, "authorize").AbsoluteUri,
            TokenUrl = new Uri(_sandbox.Issuer, "token").AbsoluteUri,
        }, Ct);

        Assert.Equal("running", view.Status);
        Assert.Equal("given-client", view.ClientId);
        Assert.Equal(HttpStatusCode.OK, await InitializeThroughAsync(view));
    }

    [Fact]
    public async Task Run_GivenIssuer_DiscoveryAsksItInsteadOfTheServersResourceMetadata()
    {
        var issuer = new Uri(_sandbox.Issuer, "elsewhere");

        var view = await _host.Workloads.RunAndSignInAsync(_sandbox, new RunWorkloadRequest { Url = _sandbox.McpUrl.AbsoluteUri, Name = "wrong-issuer", Issuer = issuer.AbsoluteUri }, Ct);

        Assert.Equal("error", view.Status);
        Assert.Contains("authorization server metadata", view.StatusReason, StringComparison.Ordinal);
        Assert.Contains($"no authorization server metadata found for {issuer}", view.StatusReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_PortTakenBeforeTheEndpointListens_MovesToAFreeOneAndKeepsIt()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var taken = ((IPEndPoint)holder.LocalEndpoint).Port;
        var picks = 0;
        _host.Registry.Services.FreePort = () => Interlocked.Increment(ref picks) == 1 ? taken : LoopbackPorts.Free();

        var view = await _host.Workloads.RunAndSignInAsync(_sandbox, new RunWorkloadRequest { Url = _sandbox.McpUrl.AbsoluteUri, Name = "moved" }, Ct);

        Assert.True(view.Status == "running", $"{view.Status}: {view.StatusReason}");
        Assert.NotEqual(taken, view.Port);
        Assert.Equal(view.Port, (await _host.Store.GetWorkloadAsync("moved", Ct))!.Port);
        Assert.Equal(HttpStatusCode.OK, await InitializeThroughAsync(view));
    }

    [Fact]
    public async Task Run_PortAskedForIsTaken_ErrorNamesIt()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var taken = ((IPEndPoint)holder.LocalEndpoint).Port;

        var view = await _host.Workloads.RunAndSignInAsync(_sandbox, new RunWorkloadRequest { Url = _sandbox.McpUrl.AbsoluteUri, Name = "pinned", Port = taken }, Ct);

        Assert.Equal("error", view.Status);
        Assert.Contains($"port {taken} is in use", view.StatusReason, StringComparison.Ordinal);
        Assert.Equal(taken, view.Port);
    }

    private async Task<HttpStatusCode> InitializeThroughAsync(WorkloadView view)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, view.Url)
        {
            Content = new StringContent(
                """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"test","version":"1"}}}""",
                System.Text.Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        using var response = await _http.SendAsync(request, Ct);
        return response.StatusCode;
    }

    /// <summary>A client ID metadata document served on loopback, counting how often it is fetched.</summary>
    private sealed class ClientDocument : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _fetches;

        private ClientDocument(WebApplication app) => _app = app;

        public Uri Url { get; private set; } = null!;

        public int Fetches => Volatile.Read(ref _fetches);

        public static async Task<ClientDocument> StartAsync(Func<string, string> body)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            var document = new ClientDocument(app);
            app.MapGet("/client.json", () =>
            {
                Interlocked.Increment(ref document._fetches);
                return Results.Text(body(document.Url.AbsoluteUri), "application/json");
            });
            await app.StartAsync(Ct);
            document.Url = new Uri(new Uri(app.Urls.First()), "/client.json");
            return document;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
