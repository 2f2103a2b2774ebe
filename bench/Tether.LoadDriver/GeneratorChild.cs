using System.Diagnostics;
using System.Text.Json;

namespace Tether.LoadDriver;

/// <summary>
/// The load generator in a process of its own: the driver sends one JSON command a line (open a session, run load on
/// it) on the child's standard input and reads one JSON answer a line, so that the comparison can be run with nothing
/// but the generator in the process that makes the calls.
/// </summary>
internal sealed class GeneratorChild : IDisposable
{
    private readonly Process _process;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private GeneratorChild(Process process) => _process = process;

    public static GeneratorChild Start() => Start("dotnet", typeof(GeneratorChild).Assembly.Location, "generator-child");

    /// <summary>
    /// The same protocol answered by a Node MCP client (the MCP TypeScript SDK, <c>bench/node-client</c>), or
    /// <see langword="null"/> when <c>bench/node-client/install.sh</c> has not been run.
    /// </summary>
    public static GeneratorChild? StartNode() =>
        ChildProcess.NodeClient() is { } folder ? Start("node", "--no-warnings", Path.Combine(folder, "generator.mjs")) : null;

    private static GeneratorChild Start(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return new GeneratorChild(Process.Start(start) ?? throw new InvalidOperationException($"could not start the load generator ({program})"));
    }

    /// <summary>A session in the child process.</summary>
    public ILoadTarget Target(string name, Uri url, string? bearer, string tool) => new Remote(this, name, url, bearer, tool);

    public void Dispose()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        _gate.Dispose();
    }

    /// <summary>In the child: answers commands until standard input closes.</summary>
    public static async Task<int> RunAsync()
    {
        var targets = new Dictionary<string, McpTarget>(StringComparer.Ordinal);
        while (await Console.In.ReadLineAsync() is { } line)
        {
            var command = JsonSerializer.Deserialize<Command>(line)!;
            if (command.Op == "init")
            {
                var target = new McpTarget(command.Name, new Uri(command.Url!), command.Bearer, command.Tool!);
                await target.InitializeAsync(CancellationToken.None);
                targets[command.Key!] = target;
                Console.WriteLine("{}");
            }
            else
            {
                var result = await targets[command.Key!].RunAsync(command.Concurrency, TimeSpan.FromMilliseconds(command.Milliseconds), CancellationToken.None);
                Console.WriteLine(JsonSerializer.Serialize(result));
            }

            await Console.Out.FlushAsync();
        }

        foreach (var target in targets.Values)
        {
            target.Dispose();
        }

        return 0;
    }

    private async Task<string> AskAsync(Command command, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await _process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(command).AsMemory(), cancellationToken);
            await _process.StandardInput.FlushAsync(cancellationToken);
            return await _process.StandardOutput.ReadLineAsync(cancellationToken) ?? throw new InvalidOperationException("the load generator exited");
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed record Command(string Op, string? Key, string Name, string? Url = null, string? Bearer = null, string? Tool = null, int Concurrency = 0, long Milliseconds = 0);

    private sealed class Remote(GeneratorChild child, string name, Uri url, string? bearer, string tool) : ILoadTarget
    {
        private readonly string _key = name + "/" + tool;

        public string Name { get; } = name;

        public Task InitializeAsync(CancellationToken cancellationToken) =>
            child.AskAsync(new Command("init", _key, Name, url.AbsoluteUri, bearer, tool), cancellationToken);

        public async Task<LoadResult> RunAsync(int concurrency, TimeSpan duration, CancellationToken cancellationToken)
        {
            var answer = await child.AskAsync(new Command("run", _key, Name, Concurrency: concurrency, Milliseconds: (long)duration.TotalMilliseconds), cancellationToken);
            return JsonSerializer.Deserialize<LoadResult>(answer)!;
        }

        public void Dispose()
        {
        }
    }
}
