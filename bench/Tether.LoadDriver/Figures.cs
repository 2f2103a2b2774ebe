using System.Diagnostics;
using System.Globalization;

namespace Tether.LoadDriver;

/// <summary>Printing and percentiles, in the invariant culture.</summary>
internal static class Figures
{
    public static void Line(FormattableString text) => Console.WriteLine(text.ToString(CultureInfo.InvariantCulture));

    /// <summary>The <paramref name="p"/> quantile (0..1) of sorted values (nearest rank).</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    public static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    public static double Megabytes(long bytes) => bytes / (1024.0 * 1024.0);

    /// <summary>Working set after a full collection, so that figures compare like with like.</summary>
    public static long SettledWorkingSet()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }
}
