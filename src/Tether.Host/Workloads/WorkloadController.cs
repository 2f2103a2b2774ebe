using Microsoft.Extensions.Logging;
using Tether.Store;
using Tether.Tokens;

namespace Tether.Workloads;

/// <summary>
/// The one owner of a workload: keeps its endpoint, engine and sign-in state, runs every operation (start, stop,
/// reauth, remove, run again) one at a time under its gate, and is the only writer of its status besides the engine.
/// </summary>
/// <remarks>
/// The gate is held by an operation and, after a launch, by the bring-up it hands the gate to (a sign-in may wait for
/// minutes): every operation first cancels a bring-up in progress, then waits on the gate (<see cref="UnderGateAsync"/>).
/// Fields read by <see cref="Snapshot"/> are written under <c>_parts</c> so that a reader never sees half an update.
/// </remarks>
internal sealed partial class WorkloadController : IAsyncDisposable
{
    private readonly WorkloadServices _services;
    private readonly WorkloadStatusTracker _tracker;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _parts = new();
    private WorkloadRecord _record;
    private bool _portMayMove;
    private IWorkloadEndpoint? _endpoint;
    private WorkloadTokenSource? _tokens;
    private TokenLifecycle? _engine;
    private string? _signInUrl;
    private DateTimeOffset? _signInDeadline;
    private CancellationTokenSource? _run;
    private bool _signInCancelled;

    /// <param name="record">The workload as stored.</param>
    /// <param name="initial">The status it is in now (a restored workload is <c>stopped</c> until launched).</param>
    /// <param name="portMayMove">Whether Tether picked the port, so that it may move while no client knows it yet.</param>
    /// <param name="services">What the host's controllers share.</param>
    /// <param name="onTransition">Told of every accepted transition (quick; raised where the transition happens).</param>
    public WorkloadController(WorkloadRecord record, WorkloadStatus initial, bool portMayMove, WorkloadServices services, Action<string, StatusTransition>? onTransition)
    {
        _record = record;
        _portMayMove = portMayMove;
        _services = services;
        _logger = services.LoggerFactory.CreateLogger<WorkloadController>();
        _tracker = new WorkloadStatusTracker(record.Name, initial, services.Store, services.Time);
        _tracker.Transitioned += transition =>
        {
            Log.StatusChanged(_logger, Name, transition.From.ToWire(), transition.To.ToWire(), transition.Reason);
            onTransition?.Invoke(Name, transition);
        };
    }

    public string Name => _record.Name;

    public WorkloadStatus Status => _tracker.Status;

    public WorkloadRecord Record
    {
        get
        {
            lock (_parts)
            {
                return _record;
            }
        }
    }

    public int Port => Record.Port ?? 0;

    /// <summary>Everything the API shows, read at once.</summary>
    public WorkloadSnapshot Snapshot()
    {
        lock (_parts)
        {
            var status = _tracker.Status;
            var authenticating = status == WorkloadStatus.Authenticating;
            return new WorkloadSnapshot(
                _record,
                status,
                _tracker.Reason,
                _tracker.UpdatedAt,
                _endpoint?.Url.ToString() ?? WorkloadSpecs.LocalUrl(_record),
                authenticating ? _signInUrl : null,
                authenticating ? _signInDeadline : null,
                _engine?.NextAttemptAt,
                _engine?.AccessTokenExpiresAt,
                _engine?.RefreshRefused == true);
        }
    }

    /// <summary>Starts the workload (the first time, or at host start); sign-in in a browser when <paramref name="interactive"/>.</summary>
    public Task LaunchAsync(bool interactive, CancellationToken cancellationToken) =>
        UnderGateAsync(_ => Task.FromResult(Launch_NeedsGate(interactive, interactive ? "starting" : "starting without a browser")), cancellationToken);

    /// <summary><c>tether start</c> / <c>restart</c>: stops what runs, then starts again with the stored tokens.</summary>
    public Task StartAsync(CancellationToken cancellationToken) =>
        UnderGateAsync(async ct =>
        {
            await _services.Store.SetDesiredStateAsync(Name, DesiredState.Running, ct);
            return await Restart_NeedsGate("restarting", interactive: false);
        }, cancellationToken);

    /// <summary>The same <c>tether run</c> again for a workload in <c>error</c> or <c>unauthenticated</c>: tries again.</summary>
    public Task RetryAsync(CancellationToken cancellationToken) =>
        UnderGateAsync(async ct =>
        {
            await _services.Store.SetDesiredStateAsync(Name, DesiredState.Running, ct);
            return await Restart_NeedsGate("running again", interactive: true);
        }, cancellationToken);

    /// <summary><c>tether reauth</c>: drops the tokens (and with <paramref name="reregister"/> the client registration), then signs in.</summary>
    public Task ReauthAsync(bool reregister, CancellationToken cancellationToken)
    {
        var config = Record.Config;
        if (config.UsesBearerToken || config.NoAuth)
        {
            throw WorkloadException.BadRequest($"{Name} does not use OAuth ({WorkloadSpecs.Auth(config)}); nothing to sign in to");
        }

        return UnderGateAsync(async ct =>
        {
            await _services.Store.SetDesiredStateAsync(Name, DesiredState.Running, ct);
            await ReleasePartsAsync(keepEndpoint: true);
            if (reregister && Record.Config is { Issuer: { } issuer, ClientFromRegistration: true })
            {
                await _services.SignIn.ForgetRegistrationsAsync(issuer, ct);
            }

            await _services.Store.SetSecretAsync(Name, SecretKind.AccessToken, null, ct);
            await _services.Store.SetSecretAsync(Name, SecretKind.RefreshToken, null, ct);
            return await Restart_NeedsGate(reregister ? "re-authenticating with a new client registration" : "re-authenticating", interactive: true);
        }, cancellationToken);
    }

    /// <summary><c>tether stop</c>: stopped until the user starts it (also across host restarts).</summary>
    public Task StopAsync(CancellationToken cancellationToken) =>
        UnderGateAsync(async ct =>
        {
            await _services.Store.SetDesiredStateAsync(Name, DesiredState.Stopped, ct);
            await Stop_NeedsGate("stopped by the user");
            return false;
        }, cancellationToken);

    /// <summary>Ctrl-C during a sign-in wait: the bring-up ends and the workload is in <c>error</c> saying so.</summary>
    /// <returns>Whether a bring-up was in progress.</returns>
    public async Task<bool> CancelSignInAsync(CancellationToken cancellationToken)
    {
        lock (_parts)
        {
            if (_tracker.Status is not (WorkloadStatus.Starting or WorkloadStatus.Authenticating) || _run is null)
            {
                return false;
            }

            _signInCancelled = true;
        }

        await UnderGateAsync(_ => Task.FromResult(false), cancellationToken);
        return true;
    }

    /// <summary><c>tether rm</c>: stops the workload and deletes it with its secrets.</summary>
    public Task RemoveAsync(CancellationToken cancellationToken) =>
        UnderGateAsync(async ct =>
        {
            await Stop_NeedsGate("removing");
            _tracker.TryTransition(WorkloadStatus.Removing, "removed by the user");
            await _services.Store.RemoveWorkloadAsync(Name, ct);
            return false;
        }, cancellationToken);

    public void NotifyNetworkChanged()
    {
        TokenLifecycle? engine;
        lock (_parts)
        {
            engine = _engine;
        }

        engine?.NotifyNetworkChanged();
    }

    /// <summary>A host shutdown, not a user's stop: the desired state stays, so the next host brings the workload back.</summary>
    public async ValueTask DisposeAsync()
    {
        await UnderGateAsync(async _ =>
        {
            await Stop_NeedsGate("host shutting down");
            return false;
        }, CancellationToken.None);
    }

    /// <summary>
    /// The one way into the gate: cancel a bring-up in progress (it holds the gate), wait on the gate, run
    /// <paramref name="operation"/>. The operation returns <see langword="true"/> when it handed the gate to a bring-up.
    /// </summary>
    private async Task UnderGateAsync(Func<CancellationToken, Task<bool>> operation, CancellationToken cancellationToken)
    {
        CancellationTokenSource? run;
        lock (_parts)
        {
            run = _run;
        }

        if (run is not null)
        {
            await run.CancelAsync();
        }

        await _gate.WaitAsync(cancellationToken);
        var handedOver = false;
        try
        {
            handedOver = await operation(cancellationToken);
        }
        finally
        {
            if (!handedOver)
            {
                _gate.Release();
            }
        }
    }

    private async Task Stop_NeedsGate(string reason)
    {
        if (_tracker.Status is WorkloadStatus.Stopped or WorkloadStatus.Removing)
        {
            await ReleasePartsAsync(keepEndpoint: false);
            return;
        }

        _tracker.TryTransition(WorkloadStatus.Stopping, reason);
        await ReleasePartsAsync(keepEndpoint: false);
        _tracker.TryTransition(WorkloadStatus.Stopped, reason);
    }

    /// <summary>
    /// Stops what serves (recorded as <c>stopping</c> → <c>stopped</c>) or, from <c>error</c>, <c>unauthenticated</c> or
    /// <c>stopped</c>, goes straight back to <c>starting</c>; the endpoint stays listening, so clients hear "starting".
    /// </summary>
    private async Task<bool> Restart_NeedsGate(string reason, bool interactive)
    {
        if (_tracker.Status is WorkloadStatus.Error or WorkloadStatus.Unauthenticated or WorkloadStatus.Stopped)
        {
            await ReleasePartsAsync(keepEndpoint: true);
        }
        else
        {
            _tracker.TryTransition(WorkloadStatus.Stopping, reason);
            await ReleasePartsAsync(keepEndpoint: true);
            _tracker.TryTransition(WorkloadStatus.Stopped, reason);
        }

        return Launch_NeedsGate(interactive, reason);
    }

    /// <summary>Moves to <c>starting</c> and hands the gate to a new bring-up.</summary>
    private bool Launch_NeedsGate(bool interactive, string reason)
    {
        // Not disposed: an operation may still cancel it after the bring-up ended, and it holds no timer.
        var run = new CancellationTokenSource();
        lock (_parts)
        {
            _run = run;
            _signInCancelled = false;
        }

        _tracker.TryTransition(WorkloadStatus.Starting, reason);
        _tokens?.Starting();
        _ = Task.Run(async () =>
        {
            try
            {
                await BringUpAsync(interactive, run.Token);
            }
            finally
            {
                lock (_parts)
                {
                    if (_run == run)
                    {
                        _run = null;
                    }
                }

                _gate.Release();
            }
        }, CancellationToken.None);
        return true;
    }

    /// <summary>Drops the engine and the sign-in state, and the endpoint unless <paramref name="keepEndpoint"/>.</summary>
    private async Task ReleasePartsAsync(bool keepEndpoint)
    {
        TokenLifecycle? engine;
        IWorkloadEndpoint? endpoint = null;
        lock (_parts)
        {
            engine = _engine;
            _engine = null;
            _signInUrl = null;
            _signInDeadline = null;
            if (!keepEndpoint)
            {
                endpoint = _endpoint;
                _endpoint = null;
                _tokens = null;
            }
        }

        _tokens?.Starting();
        if (engine is not null)
        {
            await engine.DisposeAsync();
        }

        if (endpoint is not null)
        {
            await endpoint.DisposeAsync();
        }
    }
}
