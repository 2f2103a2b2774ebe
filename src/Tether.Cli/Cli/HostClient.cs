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
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);
    private readonly TetherPaths _paths;
    private HttpClient _http;
    private bool _startIfGone;

    private HostClient(TetherPaths paths, HttpClient http, bool startIfGone)
    {
        _paths = paths;
        _http = http;
        _startIfGone = startIfGone;
    }

    /// <summary>Connects to the running host, or returns <see langword="null"/> when none runs and none is to be started.</summary>
    /// <remarks>
    /// A host that wrote <c>host.json</c> is taken at its word, without a round trip: when the first request finds
    /// nothing listening (the file outlived its host), a new host is started if <paramref name="startIfNeeded"/>.
    /// </remarks>
    public static async Task<HostClient?> ConnectAsync(bool startIfNeeded, CancellationToken cancellationToken)
    {
        var paths = TetherPaths.FromEnvironment();
        if (HostInfoFile.TryRead(paths) is { } info)
        {
            return new HostClient(paths, Open(info), startIfNeeded);
        }

        return startIfNeeded ? new HostClient(paths, await StartAsync(paths, cancellationToken), startIfGone: false) : null;
    }

    /// <summary>Connects to the host, starting it in the background when none runs (it brings its workloads back).</summary>
    public static async Task<HostClient> ConnectRequiredAsync(CancellationToken cancellationToken) =>
        await ConnectAsync(startIfNeeded: true, cancellationToken)
        ?? throw new CliException("the Tether host could not be started; run 'tether serve' to see why");

    public Task<IReadOnlyList<WorkloadView>> ListAsync(bool all, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"api/v1/workloads?all={(all ? "true" : "false")}", null, ApiReader.Workloads, cancellationToken);

    public Task<WorkloadDetailView> GetAsync(string name, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"api/v1/workloads/{Uri.EscapeDataString(name)}", null, ApiReader.WorkloadDetail, cancellationToken);

    public Task<WorkloadView> RunAsync(RunWorkloadRequest request, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "api/v1/workloads", JsonContent.Create(request, ApiJson.Default.RunWorkloadRequest), ApiReader.Workload, cancellationToken);

    /// <summary>A one-time URL that opens the dashboard (the host exchanges it for a session cookie).</summary>
    public Task<string> DashboardLinkAsync(CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "api/v1/dashboard/links", null, json => json.GetProperty("url").GetString() ?? throw new FormatException("no url"), cancellationToken);

    public Task<WorkloadView> StopAsync(string name, CancellationToken cancellationToken) => ActAsync(name, "stop", null, cancellationToken);

    public Task<WorkloadView> StartAsync(string name, CancellationToken cancellationToken) => ActAsync(name, "start", null, cancellationToken);

    public Task<WorkloadView> ReauthAsync(string name, bool reregister, CancellationToken cancellationToken) =>
        ActAsync(name, "reauth", JsonContent.Create(new ReauthRequest(reregister), ApiJson.Default.ReauthRequest), cancellationToken);

    public async Task RemoveAsync(string name, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Delete, $"api/v1/workloads/{Uri.EscapeDataString(name)}", null, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    /// <summary>Asks the host to stop; <see langword="false"/> when nothing answers (its <c>host.json</c> outlived it).</summary>
    public async Task<bool> ShutdownAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.SendAsync(Request(HttpMethod.Post, "api/v1/shutdown", null), cancellationToken);
            await EnsureSuccessAsync(response, cancellationToken);
            return true;
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError)
        {
            return false;
        }
    }

    public void Dispose() => _http.Dispose();

    private Task<WorkloadView> ActAsync(string name, string action, HttpContent? body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"api/v1/workloads/{Uri.EscapeDataString(name)}/{action}", body, ApiReader.Workload, cancellationToken);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? body, Func<JsonElement, T> read, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, path, body, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        var answer = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        try
        {
            using var json = JsonDocument.Parse(answer);
            return read(json.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CliException($"the Tether host's answer could not be read ({ex.Message}); a host of another version may be running: 'tether serve --stop' ends it");
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? body, CancellationToken cancellationToken)
    {
        using (body)
        {
            while (true)
            {
                try
                {
                    var response = await _http.SendAsync(Request(method, path, body), cancellationToken);
                    _startIfGone = false;
                    return response;
                }
                catch (HttpRequestException ex) when (_startIfGone && ex.HttpRequestError == HttpRequestError.ConnectionError)
                {
                    // Nothing listens where host.json says: its host is gone (a crash, a reboot). Start one, as when
                    // there is no file, and send again (once: the new host is known to answer).
                    _startIfGone = false;
                    _http.Dispose();
                    _http = await StartAsync(_paths, cancellationToken);
                }
                catch (HttpRequestException ex)
                {
                    throw new CliException($"the Tether host stopped answering ({ex.Message}); run 'tether serve' to see why");
                }
            }
        }
    }

    /// <summary>One attempt's request. Not disposed after it: that would dispose <paramref name="body"/>, which a retry sends again.</summary>
    private static HttpRequestMessage Request(HttpMethod method, string path, HttpContent? body) =>
        new(method, new Uri(path, UriKind.Relative)) { Content = body };

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        ApiError? error = null;
        try
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
            error = ApiReader.Error(json.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
        }

        var exitCode = response.StatusCode == HttpStatusCode.BadRequest ? ExitCodes.Usage : ExitCodes.Failed;
        throw new CliException(error?.Message ?? $"the Tether host answered {(int)response.StatusCode} {response.ReasonPhrase}", exitCode);
    }

    private static HttpClient Open(HostInfo info)
    {
        var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(info.Url),
            Timeout = TimeSpan.FromSeconds(100),
        };
        http.DefaultRequestHeaders.Authorization = new("Bearer", info.ApiKey);
        return http;
    }

    /// <summary>Starts a host in the background and waits until it answers.</summary>
    private static async Task<HttpClient> StartAsync(TetherPaths paths, CancellationToken cancellationToken)
    {
        StartBackgroundHost(paths);
        var deadline = TimeProvider.System.GetUtcNow() + StartTimeout;
        while (TimeProvider.System.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            if (HostInfoFile.TryRead(paths) is { } info && await ProbeAsync(Open(info), cancellationToken) is { } http)
            {
                return http;
            }
        }

        throw new CliException($"the Tether host did not start within {StartTimeout.TotalSeconds:0}s; see {HostInfoFile.LogPath(paths)}");
    }

    /// <summary>The client when the host answers its health check within <see cref="ProbeTimeout"/>; disposed otherwise.</summary>
    private static async Task<HttpClient?> ProbeAsync(HttpClient http, CancellationToken cancellationToken)
    {
        try
        {
            using var probe = new CancellationTokenSource(ProbeTimeout);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(probe.Token, cancellationToken);
            using var response = await http.GetAsync(new Uri("api/v1/health", UriKind.Relative), linked.Token);
            if (response.IsSuccessStatusCode)
            {
                return http;
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
