using System.Diagnostics;

namespace Tether.LoadDriver;

/// <summary>Runs the built <c>tether</c> CLI (src/Tether.Cli, Release) as a child process.</summary>
internal static class ChildProcess
{
    private const string HostPrefix = "TETHER_BENCH_HOST_";
    private const string VariantPrefix = "TETHER_BENCH_B_";

    /// <summary>
    /// TETHER_BENCH_B_X=V: the settings of a second host, "tether-b", that <c>compare</c> then runs in the same rotation
    /// (null when none is set), so that a runtime setting is measured against the default side by side.
    /// </summary>
    public static IReadOnlyDictionary<string, string>? Variant()
    {
        var variant = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Where(e => ((string)e.Key).StartsWith(VariantPrefix, StringComparison.Ordinal) && ((string)e.Key).Length > VariantPrefix.Length)
            .ToDictionary(e => ((string)e.Key)[VariantPrefix.Length..], e => (string)e.Value!, StringComparer.Ordinal);
        return variant.Count == 0 ? null : variant;
    }


    /// <summary>The built tether.dll, found from this program's folder up to the repository root.</summary>
    public static string TetherDll()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tether.slnx")))
            {
                var dll = Path.Combine(dir.FullName, "src", "Tether.Cli", "bin", "Release", "net10.0", "tether.dll");
                return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} is missing: run 'dotnet build -c Release' first");
            }
        }

        throw new InvalidOperationException("the repository root (Tether.slnx) was not found above " + AppContext.BaseDirectory);
    }

    public static ProcessStartInfo Tether(string home, params string[] args) => Tether(home, null, args);

    /// <summary>The CLI with <paramref name="environment"/> on top of the settings passed to every host.</summary>
    public static ProcessStartInfo Tether(string home, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(TetherDll());
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
