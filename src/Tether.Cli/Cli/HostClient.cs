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

    /// <summary>Stops waiting for a sign-in in progress (Ctrl-C); the workload goes to <c>error</c> saying so.</summary>
    public Task<WorkloadView> CancelSignInAsync(string name, CancellationToken cancellationToken) => ActAsync(name, "sign-in/cancel", null, cancellationToken);

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

    /// <summary>
    /// Starts a host in the background and waits for the one line it writes when its start-up is settled: ready, a
    /// failure (reported at once, with its reason), or another host holding the home's lock (which is then used).
    /// </summary>
    private static async Task<HttpClient> StartAsync(TetherPaths paths, CancellationToken cancellationToken)
    {
        try
        {
            // A first run: the home does not exist yet (the host's working directory must), or it is unusable.
            paths.EnsureCreated();
        }
        catch (TetherHomeException ex)
        {
            throw new CliException(ex.Message, ExitCodes.Failed, ex);
        }

        var startWait = HostStartWait();
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(startWait);
        try
        {
            while (true)
            {
                var (outcome, message) = await LaunchAsync(paths, budget.Token);
                switch (outcome)
                {
                    case HostStartOutcome.Ready when HostInfoFile.TryRead(paths) is { } info:
                        await Console.Error.WriteLineAsync(
                            $"tether: started the Tether host in the background for {paths.Home}; 'tether serve --stop' ends it");
                        return Open(info);
                    case HostStartOutcome.Failed:
                        throw new CliException($"the Tether host could not start: {message}");
                    case HostStartOutcome.AlreadyRunning when await WaitForOtherHostAsync(paths, budget.Token) is { } http:
                        return http;
                }

                // Ready but host.json already gone (it was stopped at once), or the other host went away before it
                // answered (it failed to start): launch again, which settles who runs and says why one cannot.
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException(
                $"the Tether host did not start within {startWait.TotalSeconds:0}s; see {HostInfoFile.LogPath(paths)} (TETHER_HOST_START_WAIT sets this limit)");
        }
    }

    /// <summary>How long a command waits for a background host to settle its start-up: <c>TETHER_HOST_START_WAIT</c>, else 2 minutes.</summary>
    /// <remarks>A safety net only: the host says when it is settled, so a busy machine is not a reason to fail.</remarks>
    private static TimeSpan HostStartWait() =>
        Environment.GetEnvironmentVariable("TETHER_HOST_START_WAIT") is { Length: > 0 } value
            ? CliDurations.Parse(value, "TETHER_HOST_START_WAIT")
            : TimeSpan.FromMinutes(2);

    /// <summary>Another host holds the lock: it is starting or running. Its <c>host.json</c> appears once it answers.</summary>
    /// <returns>A client of that host, or <see langword="null"/> once it lets go of the lock without answering.</returns>
    private static async Task<HttpClient?> WaitForOtherHostAsync(TetherPaths paths, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (HostInfoFile.TryRead(paths) is { } info && await ProbeAsync(Open(info), cancellationToken) is { } http)
            {
                return http;
            }

            if (!HostLockHeld(paths))
            {
                return null;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System, cancellationToken);
        }
    }

    /// <summary>Whether a host holds the home's lock, tested with a shared lock that is let go at once.</summary>
    private static bool HostLockHeld(TetherPaths paths)
    {
        try
        {
            using var probe = new FileStream(paths.HostLockPath, FileMode.Open, FileAccess.Read, FileShare.Read);
            return false;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }

    /// <summary>Starts <c>tether serve --background</c> and reads its start-up line (or its exit without one).</summary>
    private static async Task<(HostStartOutcome Outcome, string Message)> LaunchAsync(TetherPaths paths, CancellationToken cancellationToken)
    {
        using var process = StartBackgroundHost(paths);
        var stderr = new System.Text.StringBuilder();
        var drain = DrainAsync(process.StandardError, stderr);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
            {
                if (HostStartReport.Parse(line) is { } report)
                {
                    return report;
                }
            }

            // Its stdout closed without a word: it died. Whatever it printed is the best reason there is.
            await process.WaitForExitAsync(cancellationToken);
            await drain.WaitAsync(cancellationToken);
            var said = HostStartReport.OneLine(stderr.ToString());
            return (HostStartOutcome.Failed, said.Length > 0 && !said.Contains("   at ", StringComparison.Ordinal)
                ? said
                : $"it exited with code {process.ExitCode} without saying why; run 'tether serve' to see it start in the foreground");
        }
        finally
        {
            // The host outlives this command: let go of its pipes (it writes nothing more to them).
            process.StandardOutput.Close();
            process.StandardError.Close();
        }
    }

    private static async Task DrainAsync(StreamReader reader, System.Text.StringBuilder sink)
    {
        try
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                if (sink.Length < 4096)
                {
                    sink.AppendLine(line);
                }
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException or IOException)
        {
        }
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

    private static Process StartBackgroundHost(TetherPaths paths)
    {
        var start = new ProcessStartInfo
        {
            UseShellExecute = false,
            // The host outlives this process: it must not hold our stdout/stderr (a caller reading them to the end would
            // hang). Its own pipes carry its start-up line, then nothing.
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
        foreach (var (name, value) in HostRuntimeSettings.Resolve())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new CliException("the Tether host could not be started");
        process.StandardInput.Close();
        return process;
    }
}
