using System.Diagnostics.Metrics;
using System.Globalization;

namespace Tether.Metrics;

/// <summary>The local endpoints' instruments (meter <c>Tether.Proxy</c>): requests by status code and their latency.</summary>
internal static class ProxyMetrics
{
    public const string MeterName = "Tether.Proxy";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Requests = Meter.CreateCounter<long>(
        "tether.proxy.requests", "{request}", "Requests answered by a workload's local endpoint, by workload and status code.");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram(
        "tether.proxy.request.duration",
        "s",
        "How long a local endpoint took to answer, by workload and status code (an event stream counts until it ends).",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120] });

    /// <summary>Every HTTP status code's text, made once: a tag value per request would otherwise be a new string.</summary>
    private static readonly string[] Codes = Enumerable.Range(0, 600).Select(code => code.ToString(CultureInfo.InvariantCulture)).ToArray();

    /// <summary>The timestamp to hand to <see cref="Record"/> when the request is answered.</summary>
    public static long Start() => TimeProvider.System.GetTimestamp();

    /// <summary>Records one answered request: its status code and how long it took since <paramref name="started"/>.</summary>
    public static void Record(string workload, int statusCode, long started)
    {
        // Latency of the request itself, not a wait: the monotonic clock is what a client feels.
        var elapsed = TimeProvider.System.GetElapsedTime(started).TotalSeconds;
        var code = (uint)statusCode < (uint)Codes.Length ? Codes[statusCode] : statusCode.ToString(CultureInfo.InvariantCulture);
        Requests.Add(1, new("workload", workload), new("status_code", code));
        Duration.Record(elapsed, new("workload", workload), new("status_code", code));
    }
}
