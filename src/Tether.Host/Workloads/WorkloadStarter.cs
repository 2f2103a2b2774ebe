using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Tether.Configuration;
using Tether.Proxy;
using Tether.SignIn;
using Tether.Store;
using Tether.Tokens;

namespace Tether.Workloads;

/// <summary>Brings one workload up (endpoint, then auth: stored tokens, sign-in, static bearer or none) and down.</summary>
internal sealed partial class WorkloadStarter
{
    private readonly TetherStore _store;
    private readonly TokenLifecycleOptions _tokenOptions;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly HttpClient _http;

    public WorkloadStarter(TetherStore store, TetherPaths paths, TokenLifecycleOptions tokenOptions, TimeProvider time, ILoggerFactory loggerFactory)
    {
        _ = paths;
        _store = store;
        _tokenOptions = tokenOptions;
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<WorkloadStarter>();
        // One client for every token, metadata and registration call: never follows a redirect (a token must not go to
        // another host), pools connections, and lets each caller set its own time-out.
        _http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(15),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public async Task BringUpAsync(WorkloadRuntime runtime, bool interactive, CancellationToken cancellationToken)
    {
        var name = runtime.Name;
        runtime.Tracker.TryTransition(WorkloadStatus.Starting, interactive ? "starting" : "starting without a browser");
        try
        {
            var tokens = new WorkloadTokenSource(name);
            tokens.Unavailable($"{name} is starting");
            if (!await StartEndpointAsync(runtime, tokens, cancellationToken))
            {
                return;
            }

            var bearer = await _store.GetSecretAsync(name, SecretKind.BearerToken, cancellationToken);
            if (bearer is not null)
            {
                await SetAuthAsync(runtime, "bearer", cancellationToken);
                tokens.UseStatic(bearer);
                runtime.Tracker.TryTransition(WorkloadStatus.Running, "static bearer token");
                return;
            }

            if (runtime.Spec.Auth == "none")
            {
                tokens.UseStatic(null);
                runtime.Tracker.TryTransition(WorkloadStatus.Running, "the server asks for no sign-in");
                return;
            }

            if (runtime.Spec.Session is { } session && await _store.ForWorkload(name).LoadAsync(cancellationToken) is not null)
            {
                await StartEngineAsync(runtime, tokens, session, cancellationToken);
                return;
            }

            await SignInAsync(runtime, tokens, interactive, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped or removed while starting: the stop path owns the status.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.BringUpFailed(_logger, name, ex.GetType().Name, ex.Message);
            runtime.Tracker.TryTransition(WorkloadStatus.Error, ex.Message);
        }
    }

    public async Task StopAsync(WorkloadRuntime runtime, string reason)
    {
        if (runtime.Tracker.Status is WorkloadStatus.Stopped or WorkloadStatus.Removing)
        {
            return;
        }

        runtime.Tracker.TryTransition(WorkloadStatus.Stopping, reason);
        if (runtime.Run is { } run)
        {
            await run.CancelAsync();
        }

        if (runtime.Tokens is { } engine)
        {
            await engine.StopAsync();
            await engine.DisposeAsync();
            runtime.Tokens = null;
        }

        if (runtime.Endpoint is { } endpoint)
        {
            await endpoint.DisposeAsync();
            runtime.Endpoint = null;
        }

        runtime.SignInUrl = null;
        runtime.SignInDeadline = null;
        runtime.Tracker.TryTransition(WorkloadStatus.Stopped, reason);
    }

    /// <summary>A free loopback port for a new workload (kept for its whole life), or the one asked for.</summary>
    public Task<int> ReservePortAsync(int? requested, IEnumerable<int> taken, CancellationToken cancellationToken)
    {
        _ = cancellationToken;
        if (requested is { } port)
        {
            if (port is < 1 or > 65535)
            {
                throw WorkloadException.BadRequest($"--port {port} is not a port (1-65535)");
            }

            if (taken.Contains(port))
            {
                throw new WorkloadException("conflict", $"port {port} is already used by another workload");
            }

            return Task.FromResult(port);
        }

        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return Task.FromResult(((IPEndPoint)probe.LocalEndPoint!).Port);
    }

    public async Task ForgetRegistrationAsync(WorkloadRuntime runtime, CancellationToken cancellationToken)
    {
        var issuer = runtime.Spec.Session?.Issuer ?? runtime.Spec.Issuer;
        if (issuer is not null && runtime.Spec.ClientId is null)
        {
            await _store.DeleteRegistrationAsync(issuer, cancellationToken);
        }

        runtime.Spec = runtime.Spec with { Session = null };
        await _store.UpdateSpecAsync(runtime.Name, WorkloadSpecs.Write(runtime.Spec), cancellationToken);
    }

    private async Task<bool> StartEndpointAsync(WorkloadRuntime runtime, WorkloadTokenSource tokens, CancellationToken cancellationToken)
    {
        var options = WorkloadSpecs.EndpointOptions(runtime.Name, runtime.Spec, runtime.Port);
        try
        {
            runtime.Endpoint = await LocalEndpoint.StartAsync(options, tokens, _loggerFactory, cancellationToken);
            return true;
        }
        catch (LocalEndpointPortInUseException)
        {
            runtime.Tracker.TryTransition(WorkloadStatus.Error, $"port {runtime.Port} is in use; stop what holds it, then 'tether start {runtime.Name}'");
            return false;
        }
    }

    private async Task StartEngineAsync(WorkloadRuntime runtime, WorkloadTokenSource tokens, OAuthSession session, CancellationToken cancellationToken)
    {
        var secret = await _store.GetSecretAsync(runtime.Name, SecretKind.ClientSecret, cancellationToken);
        var config = WorkloadSpecs.TokenClientConfig(session, secret);
        var engine = new TokenLifecycle(
            runtime.Name,
            config,
            _tokenOptions,
            _store.ForWorkload(runtime.Name),
            runtime.Tracker,
            new TokenEndpointClient(_http, _time),
            _time,
            _loggerFactory.CreateLogger<TokenLifecycle>());
        runtime.Tokens = engine;
        tokens.Use(engine);
        await engine.StartAsync(cancellationToken);
    }

    private async Task SetAuthAsync(WorkloadRuntime runtime, string auth, CancellationToken cancellationToken)
    {
        if (runtime.Spec.Auth != auth)
        {
            runtime.Spec = runtime.Spec with { Auth = auth };
            await _store.UpdateSpecAsync(runtime.Name, WorkloadSpecs.Write(runtime.Spec), cancellationToken);
        }
    }
}
