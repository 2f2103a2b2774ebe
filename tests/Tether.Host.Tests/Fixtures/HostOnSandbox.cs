using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Tether.Api;
using Tether.Configuration;
using Tether.Hosting;
using Tether.Sandbox;
using Tether.Tokens;
using Tether.Workloads;

namespace Tether.Tests.Fixtures;

/// <summary>A real host and the sandbox on loopback, with helpers to sign a workload in and wait for its statuses.</summary>
internal sealed class HostOnSandbox : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);

    private HostOnSandbox(string home, SandboxServer sandbox, TetherHost host)
    {
        Home = home;
        Sandbox = sandbox;
        Host = host;
    }

    public string Home { get; }

    public SandboxServer Sandbox { get; }

    public TetherHost Host { get; }

    public string ApiKey => HostInfoFile.TryRead(new TetherPaths(Home))!.ApiKey;

    /// <summary>Starts both; short probe interval and request wait so that a fault story plays in seconds.</summary>
    public static async Task<HostOnSandbox> StartAsync(CancellationToken cancellationToken, int? metricsPort = null, string? configJson = null)
    {
        var home = Directory.CreateTempSubdirectory("tether-story-").FullName;
        if (configJson is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(home, "config.json"), configJson, cancellationToken);
        }

        var sandbox = await SandboxServer.StartAsync(new SandboxOptions(), cancellationToken);
        var tokenOptions = new TokenLifecycleOptions { ProbeMinInterval = TimeSpan.FromSeconds(1), RequestWait = TimeSpan.FromSeconds(3) };
        var host = await TetherHost.StartAsync(new TetherHostOptions { Paths = new TetherPaths(home), TokenOptions = tokenOptions, MetricsPort = metricsPort, ServerAnswerWait = TimeSpan.FromMinutes(2) }, cancellationToken);
        return new HostOnSandbox(home, sandbox, host);
    }

    /// <summary>Runs a workload and plays the browser when it waits for a sign-in; returns once it is running.</summary>
    public async Task<WorkloadView> RunSignedInAsync(string name, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(Bound);
        var authenticating = WaitForStatusAsync(name, WorkloadStatus.Authenticating, bound.Token);
        await Host.Workloads.RunAsync(new RunWorkloadRequest { Url = Sandbox.McpUrl.AbsoluteUri, Name = name }, bound.Token);
        await authenticating;
        var url = await SignInUrlAsync(name, bound.Token);
        var running = WaitForStatusAsync(name, WorkloadStatus.Running, bound.Token);
        await Sandbox.CompleteSignInAsync(new Uri(url), bound.Token);
        await running;
        return (await Host.Workloads.GetAsync(name, bound.Token)).Workload;
    }

    /// <summary>The sign-in URL of a workload that waits for one (set just after it becomes authenticating).</summary>
    public async Task<string> SignInUrlAsync(string name, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(Bound);
        while (true)
        {
            if ((await Host.Workloads.GetAsync(name, bound.Token)).Workload.SignInUrl is { } url)
            {
                return url;
            }

            await Task.Delay(20, bound.Token);
        }
    }

    /// <summary>Completes when the workload is in <paramref name="status"/> (now, or at a later transition).</summary>
    public async Task WaitForStatusAsync(string name, WorkloadStatus status, CancellationToken cancellationToken)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnTransition(string workload, StatusTransition transition)
        {
            if (workload == name && transition.To == status)
            {
                reached.TrySetResult();
            }
        }

        Host.Workloads.Registry.Transitioned += OnTransition;
        try
        {
            if (Host.Workloads.Registry.List(all: true).Any(w => w.Name == name && w.Status == status))
            {
                return;
            }

            try
            {
                await reached.Task.WaitAsync(Bound, cancellationToken);
            }
            catch (TimeoutException)
            {
                var now = Host.Workloads.List(all: true).FirstOrDefault(w => w.Name == name);
                throw new TimeoutException($"{name} did not become {status.ToWire()} within {Bound.TotalSeconds:0}s; it is {now?.Status ?? "gone"}: {now?.StatusReason}");
            }
        }
        finally
        {
            Host.Workloads.Registry.Transitioned -= OnTransition;
        }
    }

    /// <summary>An MCP <c>initialize</c> through the workload's local endpoint; returns the status code.</summary>
    public static async Task<HttpStatusCode> CallAsync(WorkloadView view, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        using var request = new HttpRequestMessage(HttpMethod.Post, view.Url)
        {
            Content = new StringContent(
                """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"test","version":"1"}}}""",
                Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        using var response = await http.SendAsync(request, cancellationToken);
        return response.StatusCode;
    }

    /// <summary>A GET on the host's API port with the host key.</summary>
    public async Task<HttpResponseMessage> GetWithKeyAsync(string path, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Host.ApiUrl, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return await http.SendAsync(request, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Sandbox.DisposeAsync();
        Directory.Delete(Home, recursive: true);
    }
}
