using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using Tether.Api;
using Tether.Configuration;
using Tether.Hosting;

namespace Tether.Cli;

/// <summary>The CLI's client of the host's REST API; starts the host in the background when asked.</summary>
internal sealed class HostClient : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly HttpClient _http;

    private HostClient(HttpClient http) => _http = http;

    /// <summary>Connects to the running host, or returns <see langword="null"/> when none runs and none is to be started.</summary>
    public static async Task<HostClient?> ConnectAsync(bool startIfNeeded, CancellationToken cancellationToken)
    {
        var paths = TetherPaths.FromEnvironment();
        if (await TryConnectAsync(paths, cancellationToken) is { } client)
        {
            return client;
        }

        if (!startIfNeeded)
        {
            return null;
        }

        StartBackgroundHost(paths);
        var deadline = TimeProvider.System.GetUtcNow() + StartTimeout;
        while (TimeProvider.System.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            if (await TryConnectAsync(paths, cancellationToken) is { } started)
            {
                return started;
            }
        }

        throw new CliException($"the Tether host did not start within {StartTimeout.TotalSeconds:0}s; see {HostInfoFile.LogPath(paths)}");
    }

    /// <summary>Connects to the host, starting it in the background when none runs (it brings its workloads back).</summary>
    public static async Task<HostClient> ConnectRequiredAsync(CancellationToken cancellationToken) =>
        await ConnectAsync(startIfNeeded: true, cancellationToken)
        ?? throw new CliException("the Tether host could not be started; run 'tether serve' to see why");

    public async Task<IReadOnlyList<WorkloadView>> ListAsync(bool all, CancellationToken cancellationToken) =>
        await SendAsync(HttpMethod.Get, $"api/v1/workloads?all={(all ? "true" : "false")}", null, ApiJson.Default.IReadOnlyListWorkloadView, cancellationToken);

    public Task<WorkloadDetailView> GetAsync(string name, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"api/v1/workloads/{Uri.EscapeDataString(name)}", null, ApiJson.Default.WorkloadDetailView, cancellationToken);

    public Task<WorkloadView> RunAsync(RunWorkloadRequest request, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "api/v1/workloads", JsonContent.Create(request, ApiJson.Default.RunWorkloadRequest), ApiJson.Default.WorkloadView, cancellationToken);

    public Task<WorkloadView> StopAsync(string name, CancellationToken cancellationToken) => ActAsync(name, "stop", null, cancellationToken);

    public Task<WorkloadView> StartAsync(string name, CancellationToken cancellationToken) => ActAsync(name, "start", null, cancellationToken);

    public Task<WorkloadView> ReauthAsync(string name, bool reregister, CancellationToken cancellationToken) =>
        ActAsync(name, "reauth", JsonContent.Create(new ReauthRequest(reregister), ApiJson.Default.ReauthRequest), cancellationToken);

    public async Task RemoveAsync(string name, CancellationToken cancellationToken)
    {
        using var response = await _http.DeleteAsync(new Uri($"api/v1/workloads/{Uri.EscapeDataString(name)}", UriKind.Relative), cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsync(new Uri("api/v1/shutdown", UriKind.Relative), null, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    public void Dispose() => _http.Dispose();

    private Task<WorkloadView> ActAsync(string name, string action, HttpContent? body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"api/v1/workloads/{Uri.EscapeDataString(name)}/{action}", body, ApiJson.Default.WorkloadView, cancellationToken);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = body };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new CliException($"the Tether host stopped answering ({ex.Message}); run 'tether serve' to see why");
        }

        using (response)
        {
            await EnsureSuccessAsync(response, cancellationToken);
            return await response.Content.ReadFromJsonAsync(type, cancellationToken)
                ?? throw new CliException("the Tether host sent an empty answer");
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        ApiError? error = null;
        try
        {
            error = await response.Content.ReadFromJsonAsync(ApiJson.Default.ApiError, cancellationToken);
        }
        catch (JsonException)
        {
        }

        var exitCode = response.StatusCode == HttpStatusCode.BadRequest ? ExitCodes.Usage : ExitCodes.Failed;
        throw new CliException(error?.Message ?? $"the Tether host answered {(int)response.StatusCode} {response.ReasonPhrase}", exitCode);
    }

    private static async Task<HostClient?> TryConnectAsync(TetherPaths paths, CancellationToken cancellationToken)
    {
        var info = HostInfoFile.TryRead(paths);
        if (info is null)
        {
            return null;
        }

        var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(info.Url),
            Timeout = TimeSpan.FromSeconds(100),
        };
        http.DefaultRequestHeaders.Authorization = new("Bearer", info.ApiKey);
        try
        {
            using var probe = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(probe.Token, cancellationToken);
            using var response = await http.GetAsync(new Uri("api/v1/health", UriKind.Relative), linked.Token);
            if (response.IsSuccessStatusCode)
            {
                return new HostClient(http);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
        }

        http.Dispose();
        return null;
    }

    private static void StartBackgroundHost(TetherPaths paths)
    {
        var start = new ProcessStartInfo
        {
            UseShellExecute = false,
            // The host outlives this process: it must not hold our stdout/stderr (a caller reading them to the end would hang).
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = paths.Home,
        };
        var processPath = Environment.ProcessPath ?? throw new CliException("cannot find the tether executable to start the host");
        start.FileName = processPath;
        if (Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }

        start.ArgumentList.Add("serve");
        start.ArgumentList.Add("--background");
        using var process = Process.Start(start) ?? throw new CliException("the Tether host could not be started");
        process.StandardInput.Close();
        process.StandardOutput.Close();
        process.StandardError.Close();
    }
}
