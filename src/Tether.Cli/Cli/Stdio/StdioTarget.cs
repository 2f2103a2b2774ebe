using Tether.Api;
using Tether.Workloads;

namespace Tether.Cli;

/// <summary>
/// The workload behind <c>tether stdio NAME|URL</c>, reached through the host's REST API like every other command:
/// starts the host and the workload when needed, creates the workload of a URL on first use, and follows its sign-in
/// on stderr and in the browser.
/// </summary>
internal sealed class StdioTarget : IDisposable
{
    /// <summary>How long a request waits for a workload that is starting or signing in before it gets its 503 answer.</summary>
    /// <remarks>Below the 60 s an MCP client typically gives a request, so that the client sees the reason, not its own time-out.</remarks>
    internal static readonly TimeSpan ReadyWait = TimeSpan.FromSeconds(45);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private HostClient? _host;
    private Task? _signIn;
    private readonly string _argument;
    private string _name;

    public StdioTarget(string nameOrUrl)
    {
        _argument = nameOrUrl;
        _name = nameOrUrl;
    }

    /// <summary>The workload's name once known (the argument until then).</summary>
    public string Name => _name;

    /// <summary>The workload, serving or settled: started if stopped, created if new, waited for while signing in.</summary>
    public async Task<WorkloadView> EnsureAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var fresh = _host is null;
            _host ??= await HostClient.ConnectRequiredAsync(cancellationToken);
            WorkloadView view;
            try
            {
                view = await EnsureUnlockedAsync(_host, cancellationToken);
            }
            catch (CliException) when (!fresh)
            {
                // The host this bridge knew went away (a reboot, 'tether serve --stop'): connect afresh, starting one.
                _host.Dispose();
                _host = await HostClient.ConnectRequiredAsync(cancellationToken);
                view = await EnsureUnlockedAsync(_host, cancellationToken);
            }

            _name = view.Name;
            return view;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _host?.Dispose();
        _gate.Dispose();
    }

    private async Task<WorkloadView> EnsureUnlockedAsync(HostClient host, CancellationToken cancellationToken)
    {
        var view = StdioArgument.LooksLikeUrl(_argument) ? await FindOrCreateAsync(host, cancellationToken) : (await host.GetAsync(_argument, cancellationToken)).Workload;
        if (StatusText.Is(view.Status, WorkloadStatus.Stopped) || StatusText.Is(view.Status, WorkloadStatus.Error))
        {
            await Console.Error.WriteLineAsync($"tether: starting {view.Name} ({view.Status})");
            view = await host.StartAsync(view.Name, cancellationToken);
        }

        if (StatusText.IsSettling(view.Status))
        {
            if (_signIn is not { IsCompleted: false })
            {
                // The sign-in is followed in the background (browser, progress on stderr): stdin keeps being read and
                // every request gets an answer, at the latest after ReadyWait.
                var pending = view;
                _signIn = Task.Run(() => SignInWait.UntilSettledAsync(host, pending, skipBrowser: false, CancellationToken.None), CancellationToken.None);
            }

            try
            {
                await _signIn.WaitAsync(ReadyWait, cancellationToken);
            }
            catch (TimeoutException)
            {
            }

            view = (await host.GetAsync(view.Name, cancellationToken)).Workload;
        }

        if (view.Url is null)
        {
            throw new CliException($"{view.Name} is {view.Status} and has no local endpoint: {view.StatusReason}");
        }

        return view;
    }

    private async Task<WorkloadView> FindOrCreateAsync(HostClient host, CancellationToken cancellationToken)
    {
        var url = new Uri(_argument);
        var existing = (await host.ListAsync(all: true, cancellationToken))
            .FirstOrDefault(w => Uri.TryCreate(w.RemoteUrl, UriKind.Absolute, out var remote) && remote == url);
        if (existing is not null)
        {
            return existing;
        }

        await Console.Error.WriteLineAsync($"tether: adding {url} as a workload");
        return await host.RunAsync(new RunWorkloadRequest { Url = url.AbsoluteUri }, cancellationToken);
    }
}
