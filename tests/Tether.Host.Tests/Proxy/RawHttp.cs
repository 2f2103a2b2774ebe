using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tether.Tests.Proxy;

/// <summary>
/// Sends a request as raw bytes over a socket, so that nothing on the client side normalises the request target
/// (HttpClient would collapse <c>//</c> and resolve <c>..</c> before the endpoint ever saw them).
/// </summary>
internal static class RawHttp
{
    /// <summary>Sends <paramref name="head"/> (request line and headers, without the blank line) and an optional body; returns the status code.</summary>
    public static async Task<int> SendAsync(int port, string head, byte[]? body, CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
        var stream = tcp.GetStream();
        var sent = head.TrimEnd('\r', '\n') + "\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(sent), cancellationToken);
        if (body is not null)
        {
            await stream.WriteAsync(body, cancellationToken);
        }

        return await ReadStatusAsync(stream, cancellationToken);
    }

    /// <summary>Reads the status line of the answer (the endpoint may close the connection before reading a body).</summary>
    public static async Task<int> ReadStatusAsync(Stream stream, CancellationToken cancellationToken)
    {
        var received = new List<byte>();
        var buffer = new byte[4096];
        while (!received.Contains((byte)'\n'))
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                break;
            }

            received.AddRange(buffer.AsSpan(0, read));
        }

        var line = Encoding.ASCII.GetString([.. received]).Split('\n')[0];
        var parts = line.Split(' ');
        return parts.Length > 1 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status)
            ? status
            : throw new InvalidOperationException($"no HTTP status line in the answer: '{line.TrimEnd()}'");
    }
}
