using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Tether.Api;
using Tether.Hosting;
using Tether.Store;

namespace Tether.Workloads;

/// <summary>
/// The registry of one host's workloads: creates them (or tries one again), finds them, restores them at start. Each
/// workload's lifecycle belongs to its <see cref="WorkloadController"/>.
/// </summary>
internal sealed partial class WorkloadManager : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, WorkloadController> _workloads = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _createGate = new(1, 1);
    private readonly WorkloadServices _services;
    private readonly FileLoggerProvider? _fileLogs;
    private readonly ILogger _logger;

    public WorkloadManager(WorkloadServices services, FileLoggerProvider? fileLogs)
    {
        _services = services;
        _fileLogs = fileLogs;
        _logger = services.LoggerFactory.CreateLogger<WorkloadManager>();
    }

    /// <summary>Raised for every accepted status transition of any workload, where it happens: handlers must be quick.</summary>
    public event Action<string, StatusTransition>? Transitioned;

    public int Count => _workloads.Count;

    /// <summary>What the controllers share (tests reach the port seam through it).</summary>
    internal WorkloadServices Services => _services;

    /// <summary>Brings back every workload the user did not stop, without a browser.</summary>
    public async Task RestoreAsync(CancellationToken cancellationToken)
    {
        foreach (var record in await _services.Store.ListWorkloadsAsync(cancellationToken))
        {
            // Whatever the last host recorded, nothing of this workload runs yet.
            var controller = NewController(record, WorkloadStatus.Stopped, portMayMove: false);
            _workloads[record.Name] = controller;
            if (record.DesiredState == DesiredState.Running)
            {
                await controller.LaunchAsync(interactive: false, cancellationToken);
            }
        }
    }

    /// <summary>
    /// <c>tether run</c>: creates the workload and starts it; the same run again (same name and URL) for a workload in
    /// <c>error</c> or <c>unauthenticated</c> tries it again instead of saying the name is taken.
    /// </summary>
    public async Task<WorkloadController> RunAsync(RunWorkloadRequest request, CancellationToken cancellationToken)
    {
        var name = request.Name ?? WorkloadSpecs.NameFrom(request.Url);
        WorkloadSpecs.ValidateName(name);
        var asked = WorkloadSpecs.ToRecord(name, request, 0);
        await _createGate.WaitAsync(cancellationToken);
        try
        {
            if (_workloads.TryGetValue(name, out var existing))
            {
                await RunAgainAsync(existing, asked, cancellationToken);
                return existing;
            }

            var port = ReservePort(request.Port);
            if (await _services.Store.AddWorkloadAsync(asked with { Port = port }, cancellationToken) == WorkloadWriteResult.NameTaken)
            {
                throw WorkloadException.Conflict($"a workload named '{name}' already exists; pick another --name, or 'tether rm {name}' first");
            }

            await _services.Store.SetSecretAsync(name, SecretKind.ClientSecret, request.ClientSecret, cancellationToken);
            await _services.Store.SetSecretAsync(name, SecretKind.BearerToken, request.BearerToken, cancellationToken);
            if (request.Headers is { Count: > 0 } headers)
            {
                await _services.Store.SetSecretAsync(name, SecretKind.Headers, string.Join('\n', headers), cancellationToken);
            }

            var record = await _services.Store.GetWorkloadAsync(name, cancellationToken) ?? throw WorkloadException.NotFound(name);
            var controller = NewController(record, record.Status, portMayMove: request.Port is null);
            _workloads[name] = controller;
            Log.WorkloadCreated(_logger, name, record.RemoteUrl, port);
            await controller.LaunchAsync(interactive: true, cancellationToken);
            return controller;
        }
        finally
        {
            _createGate.Release();
        }
    }

    /// <summary>Every workload by name; without <paramref name="all"/>, only those the user has not stopped.</summary>
    public IReadOnlyList<WorkloadController> List(bool all) =>
        _workloads.Values
            .Where(w => all || w.Status.IsShownByDefault())
            .OrderBy(w => w.Name, StringComparer.Ordinal)
            .ToList();

    public WorkloadController Find(string name) =>
        _workloads.TryGetValue(name, out var controller) ? controller : throw WorkloadException.NotFound(name);

    public async Task RemoveAsync(string name, CancellationToken cancellationToken)
    {
        await Find(name).RemoveAsync(cancellationToken);
        _workloads.TryRemove(name, out _);
        _fileLogs?.DeleteWorkloadLog(name);
        Log.WorkloadRemoved(_logger, name);
    }

    public void NotifyNetworkChanged()
    {
        foreach (var controller in _workloads.Values)
        {
            controller.NotifyNetworkChanged();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_workloads.Values.Select(controller => controller.DisposeAsync().AsTask()));
        await _services.Store.FlushTransitionsAsync();
        _services.Http.Dispose();
    }

    private async Task RunAgainAsync(WorkloadController existing, WorkloadRecord asked, CancellationToken cancellationToken)
    {
        var name = existing.Name;
        var sameServer = string.Equals(existing.Record.RemoteUrl, asked.RemoteUrl, StringComparison.Ordinal);
        if (sameServer && existing.Status is WorkloadStatus.Error or WorkloadStatus.Unauthenticated)
        {
            Log.RunAgain(_logger, name, existing.Status.ToWire());
            await existing.RetryAsync(cancellationToken);
            return;
        }

        var hint = (sameServer, existing.Status) switch
        {
            (true, WorkloadStatus.Stopped) => $"it is stopped: 'tether start {name}' starts it",
            (true, _) => $"it is {existing.Status.ToWire()} at {existing.Snapshot().LocalUrl}",
            _ => $"it points at {existing.Record.RemoteUrl}; pick another --name, or 'tether rm {name}' first",
        };
        throw WorkloadException.Conflict($"a workload named '{name}' already exists; {hint}");
    }

    /// <summary>The port asked for, or a free loopback one (kept for the workload's whole life).</summary>
    private int ReservePort(int? requested)
    {
        if (requested is not { } port)
        {
            return _services.FreePort();
        }

        if (port is < 1 or > 65535)
        {
            throw WorkloadException.BadRequest($"--port {port} is not a port (1-65535)");
        }

        return _workloads.Values.Any(w => w.Port == port) ? throw WorkloadException.Conflict($"port {port} is already used by another workload") : port;
    }

    private WorkloadController NewController(WorkloadRecord record, WorkloadStatus initial, bool portMayMove) =>
        new(record, initial, portMayMove, _services, (name, transition) => Transitioned?.Invoke(name, transition));
}
