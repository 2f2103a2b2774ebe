using System.Collections.Concurrent;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Tether.Api;

namespace Tether.Cli;

/// <summary>
/// Relays MCP messages between a stdio client and a workload's local endpoint, message by message (the SDK's stdio
/// server transport on one side, its HTTP client transport on the other). Requests run side by side, so a streamed
/// tool call never holds back the next request or a cancellation; every request gets an answer on its id.
/// </summary>
/// <param name="target">The workload.</param>
/// <param name="stdio">The client's side.</param>
/// <param name="session">A session opened before the bridge started (its <c>initialize</c> already answered): the first connection carries on in it.</param>
internal sealed class StdioBridge(StdioTarget target, ITransport stdio, StdioSession? session = null) : IAsyncDisposable
{
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private readonly CancellationTokenSource _stopping = new();
    private JsonRpcFailureCapture? _capture;
    private ITransport? _remote;
    private Task? _fromRemote;
    private StdioSession? _session = session;

    /// <summary>Relays until the client closes stdin; the in-flight requests are then abandoned.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);

        // The host, the workload and the connection are made ready while the client is still starting and sending
        // initialize: a client waits on that answer. A failure here is met again, and answered, by the first request.
        _ = Task.Run(async () =>
        {
            try
            {
                await ConnectAsync(linked.Token);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
            }
        }, CancellationToken.None);

        await foreach (var message in stdio.MessageReader.ReadAllAsync(linked.Token))
        {
            if (message is JsonRpcRequest request)
            {
                var task = RelayRequestAsync(request, linked.Token);
                _inFlight[task] = 0;
                _ = task.ContinueWith(t => _inFlight.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            else
            {
                // Notifications and the client's answers are quick (202) and keep their order: "initialized" before the next request.
                await RelayOtherAsync(message, linked.Token);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_inFlight.Keys).WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
        }

        await DropRemoteAsync(null);
        _connectGate.Dispose();
        _stopping.Dispose();
    }

    private async Task RelayRequestAsync(JsonRpcRequest request, CancellationToken cancellationToken)
    {
        JsonRpcFailureCapture? capture = null;
        JsonRpcError answer;
        JsonRpcFailureCapture.CurrentRequest.Value = request.Id;
        try
        {
            (var remote, capture) = await ConnectAsync(cancellationToken);
            try
            {
                await remote.SendMessageAsync(request, cancellationToken);
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError)
            {
                // The host or the workload went away (a crash, a reboot, 'tether stop'): bring it back and send once more.
                await DropRemoteAsync(remote);
                (remote, capture) = await ConnectAsync(cancellationToken);
                await remote.SendMessageAsync(request, cancellationToken);
            }

            return;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            answer = capture?.Take(request.Id) is { } detail
                ? new JsonRpcError { Id = request.Id, Error = detail }
                : ex is McpProtocolException protocol
                    ? StdioErrors.For(request.Id, (int)protocol.ErrorCode, protocol.Message)
                    : StdioErrors.For(request.Id, StdioErrors.Unavailable, StdioErrors.Describe(ex, target.Name));
        }

        await Console.Error.WriteLineAsync($"tether: {request.Method}: {answer.Error.Message}");
        await stdio.SendMessageAsync(answer, cancellationToken);
    }

    private async Task RelayOtherAsync(JsonRpcMessage message, CancellationToken cancellationToken)
    {
        try
        {
            var (remote, _) = await ConnectAsync(cancellationToken);
            await remote.SendMessageAsync(message, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // A notification has no id to answer on: the user sees it on stderr (the client's log).
            await Console.Error.WriteLineAsync($"tether: {(message as JsonRpcNotification)?.Method ?? "answer"} not relayed: {StdioErrors.Describe(ex, target.Name)}");
        }
    }

    private async Task<(ITransport Remote, JsonRpcFailureCapture Capture)> ConnectAsync(CancellationToken cancellationToken)
    {
        await _connectGate.WaitAsync(cancellationToken);
        try
        {
            if (_remote is not null && _capture is not null && _fromRemote is { IsCompleted: false })
            {
                return (_remote, _capture);
            }

            var view = await target.EnsureAsync(cancellationToken);
            var capture = new JsonRpcFailureCapture(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false });
            var http = new HttpClient(capture) { Timeout = Timeout.InfiniteTimeSpan };
            var transport = new HttpClientTransport(Options(view, _session), http, loggerFactory: null, ownsHttpClient: true);
            var remote = await transport.ConnectAsync(cancellationToken);

            // A later connection (the host came back) starts afresh, as the client's next messages do.
            _session = null;
            _remote = remote;
            _capture = capture;
            _fromRemote = PumpFromRemoteAsync(remote);
            return (remote, capture);
        }
        finally
        {
            _connectGate.Release();
        }
    }

    private static HttpClientTransportOptions Options(WorkloadView view, StdioSession? session)
    {
        var options = new HttpClientTransportOptions
        {
            Endpoint = new Uri(view.Url!),
            Name = view.Name,
            TransportMode = view.Transport == "sse" ? HttpTransportMode.Sse : HttpTransportMode.StreamableHttp,
        };
        if (session is not null && options.TransportMode == HttpTransportMode.StreamableHttp)
        {
            // The transport did not see the initialize it would learn these from: it sends them as it would have.
            options.KnownSessionId = session.Id;
            if (session.ProtocolVersion is { } version)
            {
                options.AdditionalHeaders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["MCP-Protocol-Version"] = version };
            }
        }

        return options;
    }

    /// <summary>Server messages (answers, streamed progress, notifications) to stdout, as they come.</summary>
    private async Task PumpFromRemoteAsync(ITransport remote)
    {
        try
        {
            await foreach (var message in remote.MessageReader.ReadAllAsync(_stopping.Token))
            {
                await stdio.SendMessageAsync(message, _stopping.Token);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            await Console.Error.WriteLineAsync($"tether: the connection to {target.Name} ended: {StdioErrors.Describe(ex, target.Name)}");
        }
    }

    private async Task DropRemoteAsync(ITransport? expected)
    {
        ITransport? remote;
        await _connectGate.WaitAsync(CancellationToken.None);
        try
        {
            remote = _remote;
            if (remote is null || (expected is not null && !ReferenceEquals(remote, expected)))
            {
                return;
            }

            _remote = null;
            _capture = null;
        }
        finally
        {
            _connectGate.Release();
        }

        try
        {
            await remote.DisposeAsync();
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
