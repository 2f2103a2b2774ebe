using System.Globalization;
using System.Runtime.InteropServices;

namespace Tether.LoadDriver;

/// <summary><c>proxy</c>, <c>sse</c>, <c>idle</c>, <c>list</c>: each prints plain figures.</summary>
internal static class LoadCommands
{
    private const string Usage =
        "usage: Tether.LoadDriver compare [--seconds 5] [--rounds 3] [--warmup 3] [--server dotnet|node]   (needs bench/scripts/install-nginx.sh)\n" +
        "       Tether.LoadDriver proxy [--concurrency 32] [--seconds 10] [--warmup 8]\n" +
        "       Tether.LoadDriver warm [--runs 3]\n" +
        "       Tether.LoadDriver sse [--megabytes 100]\n" +
        "       Tether.LoadDriver idle [--workloads 100] [--seconds 120]\n" +
        "       Tether.LoadDriver list [--runs 20]\n" +
        "       Tether.LoadDriver stdio [--runs 10] [--calls 500]";

    public static async Task<int> RunAsync(string[] args)
    {
        // The comparison's own children: a server in a process of its own.
        switch (args)
        {
            case ["upstream-child"]:
                return await BenchUpstream.RunAsync();
            case ["generator-child"]:
                return await GeneratorChild.RunAsync();
        }

        // compare's server: the driver's own minimal one, or an MCP server on the MCP TypeScript SDK (bench/node-client).
        var server = "dotnet";
        if (args is ["compare", .., "--server", var named])
        {
            server = named;
            args = args[..^2];
        }

        if (args.Length == 0 || server is not ("dotnet" or "node") || !TryOptions(args.AsSpan(1), out var options))
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        int Get(string name, int fallback) => options.TryGetValue(name, out var value) ? value : fallback;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));

        // Ctrl-C or a kill ends the run through its cancellation, so that the servers, nginx and hosts it started are
        // stopped by their owners on the way out instead of outliving the driver; a second signal ends it at once.
        Action<PosixSignalContext> stop = context =>
        {
            context.Cancel = !timeout.IsCancellationRequested;
            timeout.Cancel();
        };
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, stop);
        try
        {
            return await RunCommandAsync(args[0], Get, server, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("stopped before the end (signal or the 15-minute limit); what it started was stopped");
            return 130;
        }
    }

    private static async Task<int> RunCommandAsync(string command, Func<string, int, int> get, string server, CancellationToken timeout) =>
        command switch
        {
            "compare" => await CompareLoad.RunAsync(get("seconds", 5), get("rounds", 3), get("warmup", 3), server == "node", timeout),
            "proxy" => await ProxyLoad.RunAsync(get("concurrency", 32), get("seconds", 10), get("warmup", 8), timeout),
            "warm" => await WarmStart.RunAsync(get("runs", 3), timeout),
            "sse" => await SseLoad.RunAsync(get("megabytes", 100), timeout),
            "idle" => await IdleHost.RunAsync(get("workloads", 100), get("seconds", 120), timeout),
            "list" => await ListTiming.RunAsync(get("runs", 20), timeout),
            "stdio" => await StdioLoad.RunAsync(get("runs", 10), get("calls", 500), timeout),
            _ => await UsageAsync(),
        };

    private static async Task<int> UsageAsync()
    {
        await Console.Error.WriteLineAsync(Usage);
        return 2;
    }

    private static bool TryOptions(ReadOnlySpan<string> args, out Dictionary<string, int> options)
    {
        options = new(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length
                || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
            {
                return false;
            }

            options[args[i][2..]] = value;
        }

        return true;
    }
}
