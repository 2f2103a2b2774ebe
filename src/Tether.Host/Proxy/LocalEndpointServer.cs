using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Yarp.ReverseProxy.Forwarder;

namespace Tether.Proxy;

/// <summary>
/// One Kestrel for every workload's local endpoint: a loopback socket per workload is bound and closed at run time and
/// a request is handed to the endpoint of the port it came in on. One server means one heartbeat, one thread pool of
/// timers and one upstream connection pool for the whole host, instead of one of each per workload.
/// </summary>
internal sealed class LocalEndpointServer : IAsyncDisposable
{
    private static readonly SemaphoreSlim SharedGate = new(1, 1);
    private static LocalEndpointServer? _shared;

    private readonly WebApplication _app;
    private readonly PortListeners _listeners;
    private readonly ConcurrentDictionary<int, LocalEndpoint> _endpoints = new();

    private LocalEndpointServer(WebApplication app, PortListeners listeners)
    {
        _app = app;
        _listeners = listeners;
        Forwarder = app.Services.GetRequiredService<IHttpForwarder>();
    }

    /// <summary>The forwarder every endpoint uses.</summary>
    public IHttpForwarder Forwarder { get; }

    /// <summary>
    /// The client every endpoint forwards with: pooled keep-alive connections per remote origin, shared by all; a body of
    /// announced length leaves in the same write as its headers (<see cref="BodyWithHeaders"/>).
    /// </summary>
    public HttpMessageInvoker Upstream { get; } = new(new BodyWithHeaders(new SocketsHttpHandler
    {
        // A bearer must never follow a redirect to another host; cookies belong to the client.
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        ActivityHeadersPropagator = null,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
        ConnectTimeout = TimeSpan.FromSeconds(15),
        EnableMultipleHttp2Connections = true,
    }));

    /// <summary>The process's server, started on first use and kept for the process's life.</summary>
    public static async Task<LocalEndpointServer> SharedAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _shared) is { } shared)
        {
            return shared;
        }

        await SharedGate.WaitAsync(cancellationToken);
        try
        {
            return _shared ??= await StartAsync(cancellationToken);
        }
        finally
        {
            SharedGate.Release();
        }
    }

    /// <summary>Starts a server with no endpoint yet.</summary>
    public static async Task<LocalEndpointServer> StartAsync(CancellationToken cancellationToken)
    {
        // An empty builder: no configuration files, no file watchers, no logging providers.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        var listeners = new PortListeners(NullLoggerFactory.Instance);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.Listen(listeners.EndPoint);
            k.AddServerHeader = false;
            k.Limits.MinRequestBodyDataRate = null;
        });
        builder.Services.AddSingleton<IConnectionListenerFactory>(listeners);
        builder.Services.AddHttpForwarder();
        var app = builder.Build();
        var server = new LocalEndpointServer(app, listeners);
        app.Run(server.DispatchAsync);
        await app.StartAsync(cancellationToken);
        return server;
    }

    /// <summary>Binds 127.0.0.1:<paramref name="port"/> (0: a free one) and serves it with the endpoint made for the bound port.</summary>
    /// <exception cref="LocalEndpointPortInUseException">The port is taken.</exception>
    public async Task<LocalEndpoint> AddAsync(int port, Func<int, PortListener, LocalEndpoint> create, CancellationToken cancellationToken)
    {
        var listener = await _listeners.BindAsync(port, cancellationToken);
        var endpoint = create(listener.Port, listener);
        _endpoints[listener.Port] = endpoint;
        listener.Start();
        return endpoint;
    }

    /// <summary>Closes an endpoint's port and the connections it had open.</summary>
    public async Task RemoveAsync(LocalEndpoint endpoint, PortListener listener)
    {
        await listener.DisposeAsync();
        _endpoints.TryRemove(KeyValuePair.Create(listener.Port, endpoint));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        Upstream.Dispose();
    }

    private Task DispatchAsync(HttpContext context) =>
        _endpoints.TryGetValue(context.Connection.LocalPort, out var endpoint)
            ? endpoint.ServeAsync(context)
            : ProxyAnswers.WriteAsync(context, StatusCodes.Status404NotFound, null, "no workload listens on this port any more");
}
