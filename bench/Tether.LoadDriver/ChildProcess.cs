using System.Diagnostics;

namespace Tether.LoadDriver;

/// <summary>
/// Runs the built <c>tether</c> CLI (src/Tether.Cli, Release) as a child process, or the executable that
/// <c>TETHER_BENCH_CLI</c> names (an installed tool's <c>tether</c>, to time what users run).
/// </summary>
internal static class ChildProcess
{
    private const string HostPrefix = "TETHER_BENCH_HOST_";

    /// <summary>
    /// TETHER_BENCH_B_X=V: the settings of a second host, "tether-b", that <c>compare</c> then runs in the same rotation
    /// (null when none is set), so that a runtime setting is measured against the default side by side.
    /// </summary>
    public static IReadOnlyDictionary<string, string>? Variant() => Variant('B');

    /// <summary>
    /// TETHER_BENCH_B_X=V … TETHER_BENCH_E_X=V: the settings of up to four more hosts (tether-b … tether-e), for the
    /// benchmarks that measure several hosts over the same minutes (<c>idle</c>).
    /// </summary>
    public static IReadOnlyList<(string Name, IReadOnlyDictionary<string, string> Settings)> Variants() =>
        [.. "BCDE".Select(letter => (Name: "tether-" + char.ToLowerInvariant(letter), Settings: Variant(letter))).Where(v => v.Settings is not null).Select(v => (v.Name, v.Settings!))];

    private static IReadOnlyDictionary<string, string>? Variant(char letter)
    {
        var prefix = $"TETHER_BENCH_{letter}_";
        var variant = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Where(e => ((string)e.Key).StartsWith(prefix, StringComparison.Ordinal) && ((string)e.Key).Length > prefix.Length)
            .ToDictionary(e => ((string)e.Key)[prefix.Length..], e => (string)e.Value!, StringComparer.Ordinal);
        return variant.Count == 0 ? null : variant;
    }

    /// <summary>The built tether.dll, in the repository this program was built in.</summary>
    public static string TetherDll()
    {
        var dll = Path.Combine(RepositoryRoot(), "src", "Tether.Cli", "bin", "Release", "net10.0", "tether.dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} is missing: run 'dotnet build -c Release' first");
    }

    /// <summary>The repository root (the folder of Tether.slnx), found from this program's folder upwards.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tether.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("the repository root (Tether.slnx) was not found above " + AppContext.BaseDirectory);
    }

    /// <summary><c>bench/node-client</c> once its packages are installed (<c>bench/node-client/install.sh</c>), else <see langword="null"/>.</summary>
    public static string? NodeClient()
    {
        var folder = Path.Combine(RepositoryRoot(), "bench", "node-client");
        return Directory.Exists(Path.Combine(folder, "node_modules", "@modelcontextprotocol", "sdk")) ? folder : null;
    }

    /// <summary>The executable <c>TETHER_BENCH_CLI</c> names, or <see langword="null"/> for the build output.</summary>
    public static string? Installed => Environment.GetEnvironmentVariable("TETHER_BENCH_CLI") is { Length: > 0 } path ? path : null;

    /// <summary>What is timed, for the figures' heading.</summary>
    public static string Describe() => Installed ?? "dotnet " + TetherDll();

    /// <summary>The executable <c>TETHER_BENCH_BASELINE</c> names (an older build, timed in the same rotation), or <see langword="null"/>.</summary>
    public static string? Baseline => Environment.GetEnvironmentVariable("TETHER_BENCH_BASELINE") is { Length: > 0 } path ? path : null;

    public static ProcessStartInfo Tether(string home, params string[] args) => Start(Installed, home, null, args);

    /// <summary>The CLI with <paramref name="environment"/> on top of the settings passed to every host.</summary>
    public static ProcessStartInfo Tether(string home, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        Start(Installed, home, environment, args);

    /// <summary><paramref name="executable"/> (the build output through <c>dotnet</c> when <see langword="null"/>) with <paramref name="args"/>.</summary>
    public static ProcessStartInfo TetherAt(string? executable, string home, params string[] args) => Start(executable, home, null, args);

    /// <summary><paramref name="executable"/> with <paramref name="environment"/> on top of the settings passed to every host.</summary>
    public static ProcessStartInfo TetherAt(string? executable, string home, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        Start(executable, home, environment, args);

    private static ProcessStartInfo Start(string? executable, string home, IReadOnlyDictionary<string, string>? environment, string[] args)
    {
        var start = new ProcessStartInfo(executable ?? "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (executable is null)
        {
            start.ArgumentList.Add(TetherDll());
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // TETHER_BENCH_HOST_X=V reaches tether (and the host it starts) as X=V only: runtime settings such as
        // DOTNET_TieredPGO can be compared on the host without changing the driver or the servers beside it.
        foreach (var (name, value) in Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>().Select(e => ((string)e.Key, (string?)e.Value)))
        {
            if (name.StartsWith(HostPrefix, StringComparison.Ordinal) && name.Length > HostPrefix.Length)
            {
                start.Environment[name[HostPrefix.Length..]] = value;
            }
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        start.Environment["TETHER_HOME"] = home;
        start.Environment["TETHER_KEY_SOURCE"] = "file";
        return start;
    }
}
