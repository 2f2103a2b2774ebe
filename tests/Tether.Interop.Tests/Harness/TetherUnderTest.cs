using Tether.Api;
using Tether.Configuration;
using Tether.Hosting;
using Tether.Store;
using Tether.Tokens;

namespace Tether.Interop.Harness;

/// <summary>
/// A real Tether host (store, workloads, local endpoints) in a temporary home, with default token settings: what a user
/// gets from <c>tether serve</c> and <c>tether run URL</c>.
/// </summary>
public sealed class TetherUnderTest : IAsyncDisposable
{
    private static readonly TimeSpan SignInBound = TimeSpan.FromSeconds(60);
    private readonly string _home;
    private readonly TetherHost _host;

    private TetherUnderTest(string home, TetherHost host)
    {
        _home = home;
        _host = host;
    }

    /// <summary>Starts a host with <paramref name="options"/> (the defaults when absent).</summary>
    public static async Task<TetherUnderTest> StartAsync(CancellationToken cancellationToken, TokenLifecycleOptions? options = null)
    {
        var home = Directory.CreateTempSubdirectory("tether-interop-").FullName;
        var host = await TetherHost.StartAsync(new TetherHostOptions { Paths = new TetherPaths(home), TokenOptions = options ?? new TokenLifecycleOptions(), Advertise = false }, cancellationToken);
        return new TetherUnderTest(home, host);
    }

    /// <summary><c>tether run URL --name NAME</c>, with the browser played by <see cref="SignInBrowser"/>; returns once it settles.</summary>
    public async Task<WorkloadView> RunAndSignInAsync(Uri mcpUrl, string name, CancellationToken cancellationToken)
    {
        var view = await _host.Workloads.RunAsync(new RunWorkloadRequest { Url = mcpUrl.AbsoluteUri, Name = name }, cancellationToken);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(SignInBound);
        var signedIn = false;
        while (view.Status is "starting" or "authenticating")
        {
            if (view.SignInUrl is { } url && !signedIn)
            {
                signedIn = true;
                await SignInBrowser.CompleteAsync(new Uri(url), bound.Token);
            }

            await Task.Delay(50, bound.Token);
            view = await ViewAsync(name, bound.Token);
        }

        return view;
    }

    /// <summary>The workload as <c>tether status NAME</c> shows it.</summary>
    public async Task<WorkloadView> ViewAsync(string name, CancellationToken cancellationToken) =>
        (await _host.Workloads.GetAsync(name, cancellationToken)).Workload;

    /// <summary>The workload's status history, oldest first.</summary>
    public async Task<IReadOnlyList<TransitionView>> HistoryAsync(string name, CancellationToken cancellationToken) =>
        (await _host.Workloads.GetAsync(name, cancellationToken)).History.OrderBy(t => t.At).ToList();

    /// <summary>The dynamic registrations Tether keeps for <paramref name="issuer"/>.</summary>
    public Task<IReadOnlyList<ClientRegistration>> RegistrationsAsync(Uri issuer, CancellationToken cancellationToken) =>
        _host.Store.ListRegistrationsAsync(issuer.AbsoluteUri, cancellationToken);

    /// <summary>Waits (bounded) until the workload's view satisfies <paramref name="condition"/>; returns that view.</summary>
    public async Task<WorkloadView> WaitForAsync(string name, Func<WorkloadView, bool> condition, string what, TimeSpan within, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(within);
        var view = await ViewAsync(name, cancellationToken);
        try
        {
            while (!condition(view))
            {
                await Task.Delay(100, bound.Token);
                view = await ViewAsync(name, bound.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"not reached within {within.TotalSeconds:0}s: {what}; the workload is {view.Status} ({view.StatusReason})");
        }

        return view;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
            // A log file still closing; the temporary folder is cleaned by the system.
        }
    }
}
