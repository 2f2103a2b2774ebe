using System.Globalization;

namespace Tether.LoadDriver;

/// <summary>
/// One process's memory and threads from <c>/proc/PID/status</c> (Linux): the working set (VmRSS) and its two parts,
/// the process's own pages (RssAnon: heaps, stacks, JIT code) and mapped files (RssFile: the runtime and ReadyToRun
/// images, shared with other .NET processes that map the same files), and the peak working set since the start.
/// </summary>
internal sealed record ProcessStatus(long RssBytes, long AnonBytes, long FileBytes, long PeakBytes, int Threads)
{
    /// <summary>The process's status now, or <see langword="null"/> when it is gone or /proc is absent.</summary>
    public static ProcessStatus? Read(int pid)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines($"/proc/{pid}/status");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var fields = lines.Select(l => l.Split(':', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1].Trim(), StringComparer.Ordinal);
        long Kilobytes(string name) => fields.TryGetValue(name, out var value) ? long.Parse(value.Split(' ')[0], CultureInfo.InvariantCulture) * 1024 : 0;
        return new ProcessStatus(
            Kilobytes("VmRSS"), Kilobytes("RssAnon"), Kilobytes("RssFile") + Kilobytes("RssShmem"), Kilobytes("VmHWM"),
            fields.TryGetValue("Threads", out var threads) ? int.Parse(threads, CultureInfo.InvariantCulture) : 0);
    }
}
