namespace Tether.Cli;

/// <summary>
/// Runtime settings of the host process that only its environment can carry: .NET reads them before any code runs and
/// the runtime configuration file has no key for them. The CLI gives them to the host it starts in the background, and
/// <c>tether service install</c> writes them into the login service; a value the user's environment already holds wins.
/// </summary>
internal static class HostRuntimeSettings
{
    /// <summary>
    /// A 4 MiB generation-0 allocation budget instead of the runtime's default (derived from the CPU's cache size; 32 MiB
    /// of L3 gave about 25 MiB). Measured with <c>bench/Tether.LoadDriver idle</c>, hosts side by side over the same
    /// 2 minutes, 100 signed-in workloads each (load average 4-11): default 132.6 MB working set, 4 MiB 119.9 MB,
    /// 2 MiB 119.7 MB, 6 MiB 122.3 MB, 8 MiB 123.5 MB; idle CPU the same (0.07-0.08 % of one core). Request throughput
    /// against the default in the same <c>compare</c> rotation, three runs at load average 7-25: 0.81-1.10, median 1.00.
    /// </summary>
    private static readonly KeyValuePair<string, string>[] Defaults = [new("DOTNET_GCgen0size", "0x400000")];

    /// <summary>Each setting with the value it gets: the one in this process's environment, else the default.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Resolve() =>
        [.. Defaults.Select(d => new KeyValuePair<string, string>(
            d.Key, Environment.GetEnvironmentVariable(d.Key) is { Length: > 0 } own ? own : d.Value))];
}
