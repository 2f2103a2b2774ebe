using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace Tether.Tokens;

/// <summary>
/// The token engine's instruments (meter <c>Tether.Tokens</c>): refresh outcomes by class and HTTP status, and the
/// token endpoint's latency. The host exports them; nothing here knows of an exporter.
/// </summary>
public static class TokenMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Tether.Tokens";

    private static readonly Meter Meter = new(MeterName, TokenEndpointClient.Version);

    private static readonly Counter<long> Refreshes = Meter.CreateCounter<long>(
        "tether.token.refreshes", "{refresh}", "Token-endpoint refresh answers, by workload, outcome class and HTTP status (none: no answer).");

    private static readonly Histogram<double> Latency = Meter.CreateHistogram(
        "tether.token.endpoint.duration",
        "s",
        "How long a refresh request to the token endpoint took, by workload and outcome class.",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });

    private static readonly ConcurrentDictionary<string, DateTimeOffset> LastSuccesses = new(StringComparer.Ordinal);

    /// <summary>Records one answer of the token endpoint to a refresh (a cancelled one is not an answer).</summary>
    public static void RefreshAnswered(string workload, TokenEndpointOutcome outcome, TimeSpan elapsed, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var outcomeClass = outcome.Class switch
        {
            OutcomeClass.Success => "success",
            OutcomeClass.Transient => "transient",
            OutcomeClass.Permanent => "permanent",
            _ => null,
        };
        if (outcomeClass is null)
        {
            return;
        }

        // The time first: a scrape that sees the new count must see the time of that success too.
        if (outcome.Class == OutcomeClass.Success)
        {
            LastSuccesses[workload] = now;
        }

        var status = outcome.HttpStatus is { } code ? code.ToString(CultureInfo.InvariantCulture) : "none";
        Refreshes.Add(1, new("workload", workload), new("outcome", outcomeClass), new("http_status", status));
        Latency.Record(elapsed.TotalSeconds, new("workload", workload), new("outcome", outcomeClass));
    }

    /// <summary>When the token endpoint last answered a refresh of <paramref name="workload"/> with tokens, in this process.</summary>
    public static DateTimeOffset? LastSuccess(string workload) =>
        LastSuccesses.TryGetValue(workload, out var at) ? at : null;
}
