using System.Globalization;

namespace Tether.LoadDriver;

/// <summary><c>proxy</c>, <c>sse</c>, <c>idle</c>, <c>list</c>: each prints plain figures.</summary>
internal static class LoadCommands
{
    private const string Usage =
        "usage: Tether.LoadDriver compare [--seconds 5] [--rounds 3] [--warmup 3]   (needs bench/scripts/install-nginx.sh)\n" +
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

        if (args.Length == 0 || !TryOptions(args.AsSpan(1), out var options))
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        int Get(string name, int fallback) => options.TryGetValue(name, out var value) ? value : fallback;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        return args[0] switch
        {
            "compare" => await CompareLoad.RunAsync(Get("seconds", 5), Get("rounds", 3), Get("warmup", 3), timeout.Token),
            "proxy" => await ProxyLoad.RunAsync(Get("concurrency", 32), Get("seconds", 10), Get("warmup", 8), timeout.Token),
            "warm" => await WarmStart.RunAsync(Get("runs", 3), timeout.Token),
            "sse" => await SseLoad.RunAsync(Get("megabytes", 100), timeout.Token),
            "idle" => await IdleHost.RunAsync(Get("workloads", 100), Get("seconds", 120), timeout.Token),
            "list" => await ListTiming.RunAsync(Get("runs", 20), timeout.Token),
            "stdio" => await StdioLoad.RunAsync(Get("runs", 10), Get("calls", 500), timeout.Token),
            _ => await UsageAsync(),
        };
    }

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
