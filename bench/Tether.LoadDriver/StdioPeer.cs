using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;

namespace Tether.LoadDriver;

/// <summary>A stdio MCP bridge (tether stdio, mcp-remote) spawned as a client spawns it, driven with JSON-RPC lines.</summary>
internal sealed class StdioPeer : IAsyncDisposable
{
    private const string InitializeRequest =
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"tether-bench","version":"1"}}}""";

    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly Task<string> _stderr;
    private int _nextId = 2;

    private StdioPeer(Process process)
    {
        _process = process;
        _ = PumpAsync();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public int ProcessId => _process.Id;

    /// <summary>Spawns the bridge; the clock for "spawn to initialize" starts before this call.</summary>
    public static StdioPeer Start(ProcessStartInfo start)
    {
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        return new StdioPeer(Process.Start(start)!);
    }

    /// <summary>Sends <c>initialize</c>, waits for its answer, then sends <c>notifications/initialized</c>.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await WriteAsync(InitializeRequest);
        await AnswerAsync(1, cancellationToken);
        await WriteAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
    }

    /// <summary><c>tools/list</c>, as a client asks right after <c>initialize</c>; throws when the answer is an error.</summary>
    public async Task ListToolsAsync(CancellationToken cancellationToken)
    {
        var id = _nextId++;
        await WriteAsync("{\"jsonrpc\":\"2.0\",\"id\":" + id.ToString(CultureInfo.InvariantCulture) + ",\"method\":\"tools/list\"}");
        await AnswerAsync(id, cancellationToken);
    }

    /// <summary>One echo call; throws when the answer is not the echo.</summary>
    public async Task EchoAsync(string message, CancellationToken cancellationToken)
    {
        var id = _nextId++;
        await WriteAsync("{\"jsonrpc\":\"2.0\",\"id\":" + id.ToString(CultureInfo.InvariantCulture)
            + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\"" + message + "\"}}}");
        var answer = await AnswerAsync(id, cancellationToken);
        if (!answer.Contains(message, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("unexpected answer: " + answer);
        }
    }

    /// <summary>Resident memory of the bridge process (VmRSS), in bytes.</summary>
    public long ResidentBytes()
    {
        _process.Refresh();
        return _process.WorkingSet64;
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            _process.Kill(entireProcessTree: true);
        }

        await _stderr;
        _process.Dispose();
    }

    private async Task WriteAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    private async Task<string> AnswerAsync(int id, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(bound.Token);
                using var json = JsonDocument.Parse(line);
                if (json.RootElement.TryGetProperty("id", out var got) && got.ValueKind == JsonValueKind.Number && got.GetInt32() == id)
                {
                    return json.RootElement.TryGetProperty("error", out var error)
                        ? throw new InvalidOperationException("JSON-RPC error: " + error)
                        : line;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            throw new InvalidOperationException($"no answer to request {id}; stderr: {(_stderr.IsCompleted ? await _stderr : "(still running)")}", ex);
        }
    }

    private async Task PumpAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.Length > 0)
            {
                await _lines.Writer.WriteAsync(line);
            }
        }

        _lines.Writer.Complete();
    }
}
