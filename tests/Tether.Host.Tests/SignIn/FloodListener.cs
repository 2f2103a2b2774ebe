using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tether.Tests.SignIn;

/// <summary>
/// A raw HTTP/1.1 listener on 127.0.0.1 that answers every request with 200 and a JSON body that never ends (no
/// length), counting what the socket accepted until the client hangs up. Raw, because a web server may swallow writes
/// to a closed connection and so count bytes nobody read.
/// </summary>
internal sealed class FloodListener : IAsyncDisposable
{
    /// <summary>The most it sends to one client.</summary>
    public const long FloodBytes = 256L * 1024 * 1024;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private long _sent;

    public FloodListener()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/flood");

    /// <summary>Bytes the socket accepted, over every connection.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Completes when a flood ended: the client went away, or all was sent.</summary>
    public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = FloodAsync(client);
        }
    }

    private async Task FloodAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                await ReadRequestAsync(stream);
                await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"client_id\":\""u8.ToArray(), _stop.Token);
                var chunk = new byte[64 * 1024];
                Array.Fill(chunk, (byte)'a');
                while (Sent < FloodBytes)
                {
                    await stream.WriteAsync(chunk, _stop.Token);
                    Interlocked.Add(ref _sent, chunk.Length);
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
            finally
            {
                Ended.TrySetResult();
            }
        }
    }

    /// <summary>Reads the request head and its body (by <c>Content-Length</c>), so that the client sees its request taken.</summary>
    private async Task ReadRequestAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one, _stop.Token) == 0)
            {
                throw new IOException("the client closed before sending its request");
            }

            head.Append((char)one[0]);
        }

        var length = head.ToString().Split("\r\n")
            .Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            .Select(l => int.Parse(l["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture))
            .FirstOrDefault();
        var body = new byte[length];
        await stream.ReadExactlyAsync(body, _stop.Token);
    }
}
