using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.AspNetCore.Http;

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

    /// <summary>Runs <paramref name="handle"/> for one request and records its status code and duration.</summary>
    public static async Task MeasureAsync(HttpContext context, string workload, Func<HttpContext, Task> handle)
    {
        var started = TimeProvider.System.GetTimestamp();
        try
        {
            await handle(context);
        }
        finally
        {
            // Latency of the request itself, not a wait: the monotonic clock is what a client feels.
            var elapsed = TimeProvider.System.GetElapsedTime(started).TotalSeconds;
            var code = context.Response.StatusCode.ToString(CultureInfo.InvariantCulture);
            Requests.Add(1, new("workload", workload), new("status_code", code));
            Duration.Record(elapsed, new("workload", workload), new("status_code", code));
        }
    }
}
