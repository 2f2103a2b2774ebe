using System.Diagnostics;

namespace Tether.LoadDriver;

/// <summary>
/// A server the comparison runs in a process of its own (the MCP server, Tether's endpoint): it prints its URL on one
/// line and lives until its standard input closes, so that it never outlives the driver.
/// </summary>
internal sealed class ChildServer : IDisposable
{
    private readonly Process _process;

    private ChildServer(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>The process's id (for its CPU time).</summary>
    public int ProcessId => _process.Id;

    /// <summary>Starts this driver again with <paramref name="args"/> and waits for the URL it prints.</summary>
    public static Task<ChildServer> StartAsync(CancellationToken cancellationToken, params string[] args) =>
        StartAsync("dotnet", [typeof(ChildServer).Assembly.Location, .. args], cancellationToken);

    /// <summary>
    /// The MCP server on the MCP TypeScript SDK (<c>bench/node-client/server.mjs</c>, after
    /// <c>bench/node-client/install.sh</c>), requiring <paramref name="bearer"/>.
    /// </summary>
    public static Task<ChildServer> StartNodeAsync(string bearer, CancellationToken cancellationToken) =>
        ChildProcess.NodeClient() is { } folder
            ? StartAsync("node", ["--no-warnings", Path.Combine(folder, "server.mjs"), bearer], cancellationToken)
            : throw new InvalidOperationException("the Node MCP server needs bench/node-client/install.sh first");

    private static async Task<ChildServer> StartAsync(string program, string[] args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + string.Join(' ', args));
        var line = await process.StandardOutput.ReadLineAsync(cancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        if (line is null || !Uri.TryCreate(line.Trim(), UriKind.Absolute, out var url))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{string.Join(' ', args)} did not print its URL (got '{line}')");
        }

        return new ChildServer(process, url);
    }

    /// <summary>In the child: prints the URL and waits for the parent to close standard input.</summary>
    public static async Task AnnounceAndWaitAsync(Uri url)
    {
        Console.WriteLine(url.AbsoluteUri);
        await Console.Out.FlushAsync();
        await Console.In.ReadToEndAsync();
    }

    public void Dispose()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
