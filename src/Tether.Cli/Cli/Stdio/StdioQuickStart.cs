using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using Tether.Api;
using Tether.Configuration;
using Tether.Hosting;
using Tether.Workloads;

namespace Tether.Cli;

/// <summary>
/// The first moments of <c>tether stdio NAME</c>, run before the full command line is built: an MCP client spawns
/// the bridge at its own start-up and waits for the answer to <c>initialize</c>. When the host runs and the workload
/// serves, the client's <c>initialize</c> is relayed to the local endpoint with one plain HTTP/1.1 POST and its answer
/// written to stdout at once; the bridge (the MCP SDK's transports) then carries on in that session for every later
/// message, its HttpClient warming up while the client reads that answer.
/// </summary>
/// <remarks>
/// Anything else (a URL, no host, a workload not serving, a first message that is not <c>initialize</c>, an answer
/// that is not a plain success) leaves the message unanswered for the bridge, which relays it as it always does and
/// answers failures with their JSON-RPC error.
/// </remarks>
internal static class StdioQuickStart
{
    private const int MaxLine = 1024 * 1024;

    /// <summary>
    /// What was done, or <see langword="null"/> when nothing was (not <c>stdio NAME</c>, or no serving workload); what
    /// the native front end did, when it handed <c>stdio NAME</c> over.
    /// </summary>
    /// <param name="args">The command line.</param>
    /// <param name="toHandOver">
    /// In the native front end, which hands the process over afterwards: read stdin no further than the first line
    /// (one byte at a time, at most <see cref="StdioHandOver.MaxUnread"/>), so that what it read fits the hand-over,
    /// and only from a client's pipe, never a terminal.
    /// </param>
    public static StdioStart? TryStart(string[] args, bool toHandOver = false)
    {
        if (args is not ["stdio", var name] || name.StartsWith('-') || StdioArgument.LooksLikeUrl(name))
        {
            return null;
        }

        if (!toHandOver && StdioHandOver.TryTake(name) is { } handedOver)
        {
            return handedOver;
        }

        if ((toHandOver && !Console.IsInputRedirected) || ServingEndpoint(name) is not { } endpoint)
        {
            return null;
        }

        var stdin = Console.OpenStandardInput();
        var read = toHandOver ? ReadFirstLineOnly(stdin, out var lineLength) : ReadLine(stdin, out lineLength);
        try
        {
            if (lineLength > 0 && Relay(endpoint, read.AsSpan(0, lineLength)) is { } session)
            {
                return new StdioStart(name, stdin, read[(lineLength + 1)..], session);
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or IOException)
        {
            // The bridge relays the message again, and reports what goes wrong.
        }

        return new StdioStart(name, stdin, read, null);
    }

    /// <summary>The local endpoint of a running streamable-HTTP workload, asked of a running host; else <see langword="null"/>.</summary>
    private static Uri? ServingEndpoint(string name)
    {
        try
        {
            if (HostInfoFile.TryRead(TetherPaths.FromEnvironment()) is not { } host
                || LoopbackHttp.Get(host, $"api/v1/workloads/{Uri.EscapeDataString(name)}") is not { Status: 200, Body: var body })
            {
                return null;
            }

            using var json = JsonDocument.Parse(body);
            var view = ApiReader.WorkloadDetail(json.RootElement).Workload;
            return StatusText.Is(view.Status, WorkloadStatus.Running) && view.Transport == "streamable-http"
                && Uri.TryCreate(view.Url, UriKind.Absolute, out var url) ? url : null;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or TetherHomeException)
        {
            return null;
        }
    }

    /// <summary>Reads stdin up to the end of its first line (or its end); <paramref name="lineLength"/> is -1 when no line ended.</summary>
    private static byte[] ReadLine(Stream stdin, out int lineLength)
    {
        var buffer = new byte[16 * 1024];
        var filled = 0;
        while (true)
        {
            var read = stdin.Read(buffer, filled, buffer.Length - filled);
            if (read == 0)
            {
                lineLength = -1;
                return buffer[..filled];
            }

            var newline = buffer.AsSpan(filled, read).IndexOf((byte)'\n');
            filled += read;
            if (newline >= 0)
            {
                lineLength = filled - read + newline;
                return buffer[..filled];
            }

            if (filled == buffer.Length)
            {
                if (buffer.Length >= MaxLine)
                {
                    lineLength = -1;
                    return buffer;
                }

                Array.Resize(ref buffer, buffer.Length * 2);
            }
        }
    }

    /// <summary>
    /// Reads stdin one byte at a time up to the end of its first line, so that nothing after it is taken from the
    /// client's pipe; gives up after <see cref="StdioHandOver.MaxUnread"/> bytes (<paramref name="lineLength"/> -1).
    /// </summary>
    private static byte[] ReadFirstLineOnly(Stream stdin, out int lineLength)
    {
        var line = new MemoryStream();
        var one = new byte[1];
        while (line.Length < StdioHandOver.MaxUnread && stdin.Read(one, 0, 1) == 1)
        {
            line.WriteByte(one[0]);
            if (one[0] == (byte)'\n')
            {
                lineLength = (int)line.Length - 1;
                return line.ToArray();
            }
        }

        lineLength = -1;
        return line.ToArray();
    }

    /// <summary>Relays an <c>initialize</c> request and writes its answer; <see langword="null"/> when it did not (nothing written).</summary>
    private static StdioSession? Relay(Uri endpoint, ReadOnlySpan<byte> line)
    {
        string id;
        using (var request = JsonDocument.Parse(line.TrimEnd((byte)'\r').ToArray()))
        {
            var root = request.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("method", out var method) || method.ValueKind != JsonValueKind.String
                || method.GetString() != "initialize" || !root.TryGetProperty("id", out var requestId))
            {
                return null;
            }

            id = requestId.GetRawText();
        }

        var answer = LoopbackHttp.Send("POST", endpoint, "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n", line);
        if (answer is not { Status: 200 })
        {
            return null;
        }

        List<byte[]> messages = answer.MediaType switch
        {
            "application/json" => [answer.Body],
            "text/event-stream" => [.. SseParser.Create(new MemoryStream(answer.Body)).Enumerate().Select(e => Encoding.UTF8.GetBytes(e.Data))],
            _ => [],
        };
        string? version = null;
        var answered = false;
        foreach (var message in messages)
        {
            using var json = JsonDocument.Parse(message);
            var root = json.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("id", out var answerId) && answerId.GetRawText() == id
                && root.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Object)
            {
                answered = true;
                version = result.TryGetProperty("protocolVersion", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            }
        }

        if (!answered)
        {
            return null;
        }

        // Not disposed: the bridge writes to stdout after this.
        var stdout = Console.OpenStandardOutput();
        foreach (var message in messages)
        {
            stdout.Write(OneLine(message));
            stdout.WriteByte((byte)'\n');
        }

        stdout.Flush();
        return new StdioSession(answer.Headers.TryGetValue("Mcp-Session-Id", out var session) ? session : null, version);
    }

    /// <summary>The message on one line, as stdio framing needs: an event's data may span several.</summary>
    private static byte[] OneLine(byte[] message)
    {
        if (message.AsSpan().IndexOfAny((byte)'\n', (byte)'\r') < 0)
        {
            return message;
        }

        using var json = JsonDocument.Parse(message);
        using var compact = new MemoryStream();
        using (var writer = new Utf8JsonWriter(compact))
        {
            json.WriteTo(writer);
        }

        return compact.ToArray();
    }
}
