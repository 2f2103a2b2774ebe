using System.Diagnostics;

namespace Tether.LoadDriver;

/// <summary>Runs the built <c>tether</c> CLI (src/Tether.Cli, Release) as a child process.</summary>
internal static class ChildProcess
{
    private const string HostPrefix = "TETHER_BENCH_HOST_";

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

    public static ProcessStartInfo Tether(string home, params string[] args)
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

        start.Environment["TETHER_HOME"] = home;
        start.Environment["TETHER_KEY_SOURCE"] = "file";
        return start;
    }
}
