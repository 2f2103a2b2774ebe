using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;

namespace Tether.Proxy;

/// <summary>
/// One workload's bound loopback socket: hands its connections to the shared Kestrel and, when the workload stops,
/// stops accepting and closes the connections it handed over (an event stream would otherwise outlive its workload).
/// </summary>
internal sealed class PortListener(IConnectionListener socket, ChannelWriter<ConnectionContext> accepted) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<ConnectionContext, byte> _open = new();
    private Task _pump = Task.CompletedTask;

    /// <summary>The bound port.</summary>
    public int Port { get; } = ((System.Net.IPEndPoint)socket.EndPoint).Port;

    /// <summary>Starts accepting; called once the port's endpoint is registered, so that no request finds it missing.</summary>
    public void Start() => _pump = Task.Run(PumpAsync);

    public async ValueTask DisposeAsync()
    {
        await socket.UnbindAsync();
        await _pump;
        foreach (var connection in _open.Keys)
        {
            connection.Abort(new ConnectionAbortedException("the workload's local endpoint stopped"));
        }

        await socket.DisposeAsync();
    }

    private async Task PumpAsync()
    {
        while (true)
        {
            ConnectionContext? connection;
            try
            {
                connection = await socket.AcceptAsync();
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            if (connection is null)
            {
                return;
            }

            _open.TryAdd(connection, 0);
            connection.ConnectionClosed.UnsafeRegister(static state =>
            {
                var (open, closed) = ((ConcurrentDictionary<ConnectionContext, byte>, ConnectionContext))state!;
                open.TryRemove(closed, out _);
            }, (_open, connection));
            if (!accepted.TryWrite(connection))
            {
                connection.Abort();
                await connection.DisposeAsync();
            }
        }
    }
}
