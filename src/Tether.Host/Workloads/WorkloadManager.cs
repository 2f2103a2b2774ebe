using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Tether.Api;
using Tether.Configuration;
using Tether.Hosting;
using Tether.Store;
using Tether.Tokens;

namespace Tether.Workloads;

/// <summary>Every workload of one host: the REST API's operations, each workload's lifecycle, restore at start.</summary>
internal sealed partial class WorkloadManager : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, WorkloadRuntime> _workloads = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _createGate = new(1, 1);
    private readonly TetherStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly FileLoggerProvider _fileLogs;
    private readonly WorkloadStarter _starter;

    public WorkloadManager(TetherStore store, TetherPaths paths, TokenLifecycleOptions tokenOptions, TimeProvider time, ILoggerFactory loggerFactory, FileLoggerProvider fileLogs)
    {
        _store = store;
        _time = time;
        _fileLogs = fileLogs;
        _logger = loggerFactory.CreateLogger<WorkloadManager>();
        _ = paths;
        _starter = new WorkloadStarter(store, tokenOptions, time, loggerFactory);
    }

    public int Count => _workloads.Count;

    /// <summary>Raised after each accepted status transition of any workload, outside the status lock (dashboard, notices).</summary>
    public event Action<string, StatusTransition>? Transitioned;

    internal WorkloadStarter Starter => _starter;

    /// <summary>Brings back every workload the user did not stop, without a browser.</summary>
    public async Task RestoreAsync(CancellationToken cancellationToken)
    {
        foreach (var record in await _store.ListWorkloadsAsync(cancellationToken))
        {
            // Whatever the last host recorded, nothing of this workload runs yet.
            var runtime = NewRuntime(record with { Status = WorkloadStatus.Stopped });
            _workloads[record.Name] = runtime;
            if (record.DesiredState == DesiredState.Running)
            {
                Launch(runtime, interactive: false);
            }
        }
    }

    public async Task<WorkloadView> RunAsync(RunWorkloadRequest request, CancellationToken cancellationToken)
    {
        var name = request.Name ?? WorkloadSpecs.NameFrom(request.Url);
        WorkloadSpecs.ValidateName(name);
        WorkloadSpecs.ToRecord(name, request, 0);
        await _createGate.WaitAsync(cancellationToken);
        try
        {
            if (_workloads.ContainsKey(name))
            {
                throw new WorkloadException("conflict", $"a workload named '{name}' already exists; pick another --name, or 'tether rm {name}' first");
            }

            var port = _starter.ReservePort(request.Port, _workloads.Values.Select(w => w.Port));
            if (await _store.AddWorkloadAsync(WorkloadSpecs.ToRecord(name, request, port), cancellationToken) == WorkloadWriteResult.NameTaken)
            {
                throw new WorkloadException("conflict", $"a workload named '{name}' already exists; pick another --name, or 'tether rm {name}' first");
            }

            await _store.SetSecretAsync(name, SecretKind.ClientSecret, request.ClientSecret, cancellationToken);
            await _store.SetSecretAsync(name, SecretKind.BearerToken, request.BearerToken, cancellationToken);
            if (request.Headers is { Count: > 0 } headers)
            {
                await _store.SetSecretAsync(name, SecretKind.Headers, string.Join('\n', headers), cancellationToken);
            }

            var record = await _store.GetWorkloadAsync(name, cancellationToken) ?? throw WorkloadException.NotFound(name);
            var runtime = NewRuntime(record);
            runtime.PortMayMove = request.Port is null;
            _workloads[name] = runtime;
            Log.WorkloadCreated(_logger, name, record.RemoteUrl, port);
            Launch(runtime, interactive: true);
            return View(runtime);
        }
        finally
        {
            _createGate.Release();
        }
    }

    public IReadOnlyList<WorkloadView> List(bool all) =>
        _workloads.Values
            .Where(w => all || w.Tracker.Status is WorkloadStatus.Running or WorkloadStatus.AuthRetrying)
            .OrderBy(w => w.Name, StringComparer.Ordinal)
            .Select(View)
            .ToList();

    /// <summary>Every workload's name and current status, unordered (read at each metrics scrape).</summary>
    public IEnumerable<(string Name, WorkloadStatus Status)> Statuses() =>
        _workloads.Values.Select(w => (w.Name, w.Tracker.Status));

    public async Task<WorkloadDetailView> GetAsync(string name, CancellationToken cancellationToken)
    {
        var runtime = Find(name);
        var history = await _store.GetTransitionsAsync(name, 100, cancellationToken);
        return new WorkloadDetailView(
            View(runtime),
            history.Select(t => new TransitionView(t.At, t.From.ToWire(), t.To.ToWire(), t.Reason)).ToList());
    }

    public WorkloadHealthView Health(string name)
    {
        var runtime = Find(name);
        return new WorkloadHealthView(name, runtime.Tracker.Status.ToHealth().ToWire(), runtime.Tracker.Status.ToWire(), runtime.Tracker.Reason);
    }

    public async Task<WorkloadView> StopAsync(string name, CancellationToken cancellationToken)
    {
        var runtime = Find(name);
        await _store.SetDesiredStateAsync(name, DesiredState.Stopped, cancellationToken);
        await StopUnderGateAsync(runtime, "stopped by the user", cancellationToken);

        return View(runtime);
    }

    public async Task<WorkloadView> StartAsync(string name, CancellationToken cancellationToken)
    {
        var runtime = Find(name);
        await _store.SetDesiredStateAsync(name, DesiredState.Running, cancellationToken);
        await StopUnderGateAsync(runtime, "restarting", cancellationToken);

        Launch(runtime, interactive: false);
        return View(runtime);
    }

    public async Task<WorkloadView> ReauthAsync(string name, bool reregister, CancellationToken cancellationToken)
    {
        var runtime = Find(name);
        if (runtime.Record.Config.UsesBearerToken || runtime.Record.Config.NoAuth)
        {
            throw WorkloadException.BadRequest($"{name} does not use OAuth ({WorkloadSpecs.Auth(runtime.Record.Config)}); nothing to sign in to");
        }

        await _store.SetDesiredStateAsync(name, DesiredState.Running, cancellationToken);
        if (runtime.Run is { } pending)
        {
            await pending.CancelAsync();
        }

        await runtime.Gate.WaitAsync(cancellationToken);
        try
        {
            await _starter.StopAsync(runtime, reregister ? "re-authenticating with a new client registration" : "re-authenticating");
            if (reregister)
            {
                await _starter.ForgetRegistrationAsync(runtime, cancellationToken);
            }

            await _store.SetSecretAsync(name, SecretKind.AccessToken, null, cancellationToken);
            await _store.SetSecretAsync(name, SecretKind.RefreshToken, null, cancellationToken);
        }
        finally
        {
            runtime.Gate.Release();
        }

        Launch(runtime, interactive: true);
        return View(runtime);
    }

    public async Task RemoveAsync(string name, CancellationToken cancellationToken)
    {
        var runtime = Find(name);
        if (runtime.Run is { } pending)
        {
            await pending.CancelAsync();
        }

        await runtime.Gate.WaitAsync(cancellationToken);
        try
        {
            await _starter.StopAsync(runtime, "removing");
            runtime.Tracker.TryTransition(WorkloadStatus.Removing, "removed by the user");
            await _store.RemoveWorkloadAsync(name, cancellationToken);
            _workloads.TryRemove(name, out _);
            _fileLogs.DeleteWorkloadLog(name);
            Log.WorkloadRemoved(_logger, name);
        }
        finally
        {
            runtime.Gate.Release();
        }
    }

    public void NotifyNetworkChanged()
    {
        foreach (var runtime in _workloads.Values)
        {
            runtime.Tokens?.NotifyNetworkChanged();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // A host shutdown is not a user's stop: the desired state stays, so the next host brings the workloads back.
        await Task.WhenAll(_workloads.Values.Select(runtime => StopUnderGateAsync(runtime, "host shutting down", CancellationToken.None)));
    }

    private async Task StopUnderGateAsync(WorkloadRuntime runtime, string reason, CancellationToken cancellationToken)
    {
        // A bring-up in progress holds the gate: cancel it first so that the stop does not wait for a sign-in.
        if (runtime.Run is { } run)
        {
            await run.CancelAsync();
        }

        await runtime.Gate.WaitAsync(cancellationToken);
        try
        {
            await _starter.StopAsync(runtime, reason);
        }
        finally
        {
            runtime.Gate.Release();
        }
    }

    private void Launch(WorkloadRuntime runtime, bool interactive)
    {
        // Starting at once, so that the caller's view already says so (the CLI follows it through sign-in).
        runtime.Tracker.TryTransition(WorkloadStatus.Starting, interactive ? "starting" : "starting without a browser");
        var run = new CancellationTokenSource();
        runtime.Run = run;
        runtime.BringUp = Task.Run(async () =>
        {
            await runtime.Gate.WaitAsync(run.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (run.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await _starter.BringUpAsync(runtime, interactive, run.Token);
            }
            finally
            {
                runtime.Gate.Release();
            }
        });
    }

    private WorkloadRuntime NewRuntime(WorkloadRecord record)
    {
        var tracker = new WorkloadStatusTracker(record.Name, record.Status, _store, _time);
        tracker.Transitioned += transition => Transitioned?.Invoke(record.Name, transition);
        return new WorkloadRuntime(record.Name, tracker) { Record = record };
    }

    private WorkloadRuntime Find(string name) =>
        _workloads.TryGetValue(name, out var runtime) ? runtime : throw WorkloadException.NotFound(name);

    private static WorkloadView View(WorkloadRuntime runtime)
    {
        var status = runtime.Tracker.Status;
        var authenticating = status == WorkloadStatus.Authenticating;
        return new WorkloadView
        {
            Name = runtime.Name,
            Status = status.ToWire(),
            StatusReason = runtime.Tracker.Reason,
            Health = status.ToHealth().ToWire(),
            Url = runtime.Endpoint?.Url.ToString() ?? WorkloadSpecs.LocalUrl(runtime.Record),
            RemoteUrl = runtime.Record.RemoteUrl,
            Transport = runtime.Record.Transport,
            Port = runtime.Port,
            CreatedAt = runtime.Record.CreatedAt,
            UpdatedAt = runtime.Tracker.UpdatedAt,
            Auth = WorkloadSpecs.Auth(runtime.Record.Config),
            Issuer = runtime.Record.Config.Issuer,
            ClientId = runtime.Record.Config.ClientId,
            SignInUrl = authenticating ? runtime.SignInUrl : null,
            SignInDeadline = authenticating ? runtime.SignInDeadline : null,
            NextAttemptAt = runtime.Tokens?.NextAttemptAt,
            TokenExpiresAt = runtime.Tokens?.AccessTokenExpiresAt,
        };
    }
}
