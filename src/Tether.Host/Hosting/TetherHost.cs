using System.Net;
using System.Net.NetworkInformation;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tether.Api;
using Tether.Configuration;
using Tether.Dashboard;
using Tether.Metrics;
using Tether.Notifications;
using Tether.SignIn;
using Tether.Store;
using Tether.Workloads;

namespace Tether.Hosting;

/// <summary>The host: every workload plus the REST API on loopback. <c>tether serve</c> runs one.</summary>
public sealed class TetherHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TetherPaths _paths;
    private readonly FileLoggerProvider _fileLogs;
    private readonly bool _advertised;
    private readonly FileStream? _hostLock;
    private readonly TaskCompletionSource _shutdown = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    private TetherHost(WebApplication app, TetherPaths paths, TetherStore store, WorkloadApi workloads, FileLoggerProvider fileLogs, Uri apiUrl, FileStream? hostLock)
    {
        _app = app;
        _paths = paths;
        Store = store;
        Workloads = workloads;
        _fileLogs = fileLogs;
        ApiUrl = apiUrl;
        _hostLock = hostLock;
        _advertised = hostLock is not null;
    }

    /// <summary>The REST API's base URL (ends with a slash).</summary>
    public Uri ApiUrl { get; }

    /// <summary>The workloads this host runs, through the REST API's operations.</summary>
    internal WorkloadApi Workloads { get; }

    /// <summary>The registry of this host's workloads.</summary>
    internal WorkloadManager Registry => Workloads.Registry;

    /// <summary>The host's store.</summary>
    internal TetherStore Store { get; }

    /// <summary>Starts a host: settings checked, store opened, API listening, workloads restored.</summary>
    /// <exception cref="SettingsException">A setting is invalid (every bad one is listed).</exception>
    /// <exception cref="HostAlreadyRunningException">Another host serves the same <c>TETHER_HOME</c>.</exception>
    public static async Task<TetherHost> StartAsync(TetherHostOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var paths = options.Paths ?? TetherPaths.FromEnvironment();
        paths.EnsureCreated();
        var tokenOptions = options.TokenOptions ?? HostSettings.Load(paths);
        var answerWait = options.ServerAnswerWait ?? HostSettings.LoadServerAnswerWait(paths);
        var keySource = KeySources.ModeFromEnvironment();
        var hostLock = options.Advertise ? TakeHostLock(paths) : null;
        try
        {
            return await StartAsync(options, paths, tokenOptions, answerWait, keySource, hostLock, cancellationToken);
        }
        catch
        {
            hostLock?.Dispose();
            throw;
        }
    }

    private static async Task<TetherHost> StartAsync(
        TetherHostOptions options, TetherPaths paths, Tokens.TokenLifecycleOptions tokenOptions, TimeSpan answerWait, KeySourceMode keySource, FileStream? hostLock, CancellationToken cancellationToken)
    {
        var fileLogs = new FileLoggerProvider(HostInfoFile.LogPath(paths), paths.WorkloadLogPath, options.TimeProvider);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "Tether",
            EnvironmentName = Environments.Production,

            // Configuration files are looked for in TETHER_HOME, never in the folder the host happens to start in.
            ContentRootPath = paths.Home,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(fileLogs);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
        if (options.LogToConsole)
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        }

        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddOpenApi("v1");
        builder.Services.AddSingleton(options.TimeProvider);
        HostMetrics.AddTo(builder, options.MetricsPort);
        StatusNotifier.AddTo(builder, paths);
        var app = builder.Build();

        var loggerFactory = app.Services.GetRequiredService<ILoggerFactory>();
        TetherStore? store = null;
        try
        {
            store = await TetherStore.OpenAsync(paths, keySource, options.TimeProvider, loggerFactory, cancellationToken);
            var http = WorkloadServices.CreateHttpClient();
            var services = new WorkloadServices(
                store, tokenOptions, http, new SignInService(http, store, options.TimeProvider, answerWait), new LocalEndpointFactory(loggerFactory), options.TimeProvider, loggerFactory, answerWait);
            var workloads = new WorkloadApi(new WorkloadManager(services, fileLogs));
            app.Services.GetRequiredService<WorkloadMetrics>().Attach(workloads.Registry);
            app.Services.GetRequiredService<StatusNotifier>().Attach(workloads);
            var apiKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            TetherHost? host = null;
            var gate = new ApiAccessFilter(apiKey);
            HostMetrics.Map(app, options.MetricsPort);
            DashboardEndpoints.Map(app, workloads, options.TimeProvider);
            app.Use(gate.InvokeAsync);
            ApiEndpoints.Map(app, workloads, () => host?._shutdown.TrySetResult());
            app.MapOpenApi("/openapi/{documentName}.json");
            await app.StartAsync(cancellationToken);

            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First(a => new Uri(a).Port != options.MetricsPort);
            var apiUrl = new Uri(address.TrimEnd('/') + "/");
            gate.Port = apiUrl.Port;
            host = new TetherHost(app, paths, store, workloads, fileLogs, apiUrl, hostLock);
            if (options.Advertise)
            {
                HostInfoFile.Write(paths, new HostInfo(apiUrl.ToString(), Environment.ProcessId, apiKey, ApiEndpoints.Version));
            }

            NetworkChange.NetworkAddressChanged += host.OnNetworkChanged;
            NetworkChange.NetworkAvailabilityChanged += host.OnNetworkAvailabilityChanged;
            if (options.RestoreWorkloads)
            {
                await workloads.Registry.RestoreAsync(cancellationToken);
            }

            return host;
        }
        catch
        {
            await app.DisposeAsync();
            store?.Dispose();

            fileLogs.Dispose();
            throw;
        }
    }

    /// <summary>Completes when <c>tether serve --stop</c> asks, or when <paramref name="cancellationToken"/> fires (Ctrl-C).</summary>
    public async Task WaitForShutdownAsync(CancellationToken cancellationToken) =>
        await _shutdown.Task.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

    /// <summary>Stops every workload cleanly (they come back at the next start), then the API.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        NetworkChange.NetworkAddressChanged -= OnNetworkChanged;
        NetworkChange.NetworkAvailabilityChanged -= OnNetworkAvailabilityChanged;
        if (_advertised)
        {
            HostInfoFile.Delete(_paths, Environment.ProcessId);
        }

        await Registry.DisposeAsync();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        Store.Dispose();
        _fileLogs.Dispose();

        // Released last: a new host may start only once this one has let go of the store and its ports.
        _hostLock?.Dispose();
    }

    private void OnNetworkChanged(object? sender, EventArgs e) => Registry.NotifyNetworkChanged();

    private void OnNetworkAvailabilityChanged(object? sender, NetworkAvailabilityEventArgs e)
    {
        if (e.IsAvailable)
        {
            Registry.NotifyNetworkChanged();
        }
    }

    /// <summary>
    /// The OS lock that makes this the one host of <paramref name="paths"/>' home, held until the host is disposed and
    /// released by the OS if the process dies; a <c>host.json</c> left by a host that died is then stale and removed.
    /// </summary>
    private static FileStream TakeHostLock(TetherPaths paths)
    {
        var hostLock = CrossProcessLock.TryAcquire(paths.HostLockPath);
        if (hostLock is null)
        {
            var where = HostInfoFile.TryRead(paths) is { } running ? $" (pid {running.Pid}, {running.Url})" : string.Empty;
            throw new HostAlreadyRunningException($"a Tether host is already running for {paths.Home}{where}; 'tether serve --stop' ends it");
        }

        try
        {
            File.Delete(paths.HostAddressPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            hostLock.Dispose();
            throw new TetherHomeException($"cannot remove the stale {paths.HostAddressPath} ({ex.Message}); remove it by hand");
        }

        return hostLock;
    }
}
