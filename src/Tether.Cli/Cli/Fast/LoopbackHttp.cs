using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Tether.Api;

namespace Tether.Cli;

/// <summary>
/// One request to a loopback server of Tether's own (the host's REST API, a workload's local endpoint) over a plain
/// socket: the quick commands' way there.
/// </summary>
/// <remarks>
/// A CLI command is a new process each time, and HttpClient's connection pool costs it hundreds of methods that the
/// framework's ReadyToRun images lack, so JIT time that dwarfs the request. The server is ours and on loopback: one
/// HTTP/1.1 request with <c>Connection: close</c>, an answer of known length or chunked, nothing else. Anything this
/// does not expect makes it return <see langword="null"/>, and the caller takes the full path (HttpClient), which
/// also reports errors and starts a host that is gone.
/// </remarks>
internal static class LoopbackHttp
{
    private const int MaxAnswer = 16 * 1024 * 1024;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>GETs <paramref name="pathAndQuery"/> (relative to the host's base URL) with the host's API key.</summary>
    public static LoopbackAnswer? Get(HostInfo host, string pathAndQuery) =>
        Uri.TryCreate(host.Url, UriKind.Absolute, out var baseUrl)
            ? Send("GET", new Uri(baseUrl, pathAndQuery), $"Authorization: Bearer {host.ApiKey}\r\nAccept: application/json\r\n", [])
            : null;

    /// <summary>
    /// Sends one request to a loopback <c>http</c> URL and reads its whole answer; <paramref name="headers"/> are
    /// extra header lines, each ending in CRLF.
    /// </summary>
    public static LoopbackAnswer? Send(string method, Uri target, string headers, ReadOnlySpan<byte> body)
    {
        if (target.Scheme != Uri.UriSchemeHttp || !IPAddress.TryParse(target.IdnHost, out var address) || !IPAddress.IsLoopback(address))
        {
            return null;
        }

        try
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            socket.SendTimeout = socket.ReceiveTimeout = (int)Timeout.TotalMilliseconds;
            socket.Connect(new IPEndPoint(address, target.Port));
            var length = method == "GET" ? "" : $"Content-Length: {body.Length}\r\n";
            SendAll(socket, Encoding.ASCII.GetBytes($"{method} {target.PathAndQuery} HTTP/1.1\r\nHost: {target.Authority}\r\n{headers}{length}Connection: close\r\n\r\n"));
            SendAll(socket, body);

            return Parse(ReadToEnd(socket));
        }
        catch (SocketException)
        {
            return null;
        }
    }

    private static void SendAll(Socket socket, ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            bytes = bytes[socket.Send(bytes)..];
        }
    }

    private static byte[] ReadToEnd(Socket socket)
    {
        using var all = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = socket.Receive(buffer)) > 0)
        {
            all.Write(buffer, 0, read);
            if (all.Length > MaxAnswer)
            {
                throw new SocketException((int)SocketError.MessageSize);
            }
        }

        return all.ToArray();
    }

    /// <summary>The status and body of a whole HTTP/1.1 answer, or <see langword="null"/> for one this does not read.</summary>
    internal static LoopbackAnswer? Parse(ReadOnlySpan<byte> answer)
    {
        var headEnd = answer.IndexOf("\r\n\r\n"u8);
        if (headEnd < 0)
        {
            return null;
        }

        var head = Encoding.ASCII.GetString(answer[..headEnd]).Split("\r\n");
        var statusLine = head[0].Split(' ', 3);
        if (statusLine.Length < 2 || !statusLine[0].StartsWith("HTTP/1.", StringComparison.Ordinal)
            || !int.TryParse(statusLine[1], out var status))
        {
            return null;
        }

        var chunked = false;
        long? length = null;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in head.AsSpan(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return null;
            }

            var name = line.AsSpan(0, colon).Trim();
            var value = line.AsSpan(colon + 1).Trim();
            headers[name.ToString()] = value.ToString();
            if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                if (!value.Equals("chunked", StringComparison.OrdinalIgnoreCase))
                {
                    return null;
                }

                chunked = true;
            }
            else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (!long.TryParse(value, out var parsed))
                {
                    return null;
                }

                length = parsed;
            }
        }

        var body = answer[(headEnd + 4)..];
        if (chunked)
        {
            return Dechunk(body) is { } whole ? new LoopbackAnswer(status, headers, whole) : null;
        }

        return length is { } known
            ? known <= body.Length ? new LoopbackAnswer(status, headers, body[..(int)known].ToArray()) : null
            : new LoopbackAnswer(status, headers, body.ToArray());
    }

    private static byte[]? Dechunk(ReadOnlySpan<byte> body)
    {
        using var whole = new MemoryStream(body.Length);
        while (true)
        {
            var lineEnd = body.IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                return null;
            }

            // The size in hex, perhaps followed by extensions after ';'.
            var sizeText = body[..lineEnd];
            var semicolon = sizeText.IndexOf((byte)';');
            if (semicolon >= 0)
            {
                sizeText = sizeText[..semicolon];
            }

            if (!Utf8Parser.TryParse(sizeText, out int size, out var consumed, 'X') || consumed != sizeText.Length || size < 0)
            {
                return null;
            }

            body = body[(lineEnd + 2)..];
            if (size == 0)
            {
                return whole.ToArray();
            }

            if (body.Length < size + 2)
            {
                return null;
            }

            whole.Write(body[..size]);
            body = body[(size + 2)..];
        }
    }
}
