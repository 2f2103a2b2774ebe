using System.Globalization;

namespace Tether.LoadDriver;

/// <summary>
/// CPU time (user + system) that a process and its children have used so far, read from <c>/proc</c> (Linux): what a
/// proxy spends per request, independent of how busy the rest of the machine is.
/// </summary>
internal static class ProcessCpu
{
    private static readonly double TicksPerSecond = 100.0;

    /// <summary>Seconds of CPU used by <paramref name="pid"/> and the processes whose parent it is (nginx's workers); 0 where /proc is absent.</summary>
    public static double Seconds(int pid)
    {
        var total = 0.0;
        foreach (var dir in Directory.Exists("/proc") ? Directory.EnumerateDirectories("/proc") : [])
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                continue;
            }

            if (Stat(id) is { } stat && (id == pid || stat.Parent == pid))
            {
                total += stat.CpuSeconds;
            }
        }

        return total;
    }

    private static (int Parent, double CpuSeconds)? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // The command name (field 2) may hold spaces: the fields after it start past its closing parenthesis.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (parent, ticks / TicksPerSecond);
    }
}
