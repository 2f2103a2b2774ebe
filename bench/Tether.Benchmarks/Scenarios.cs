using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Tether.Tokens;
using Tether.Workloads;

namespace Tether.Benchmarks;

/// <summary>Plain-figure scenarios: a thundering herd at expiry, and a long outage on a fake clock.</summary>
internal static class Scenarios
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync()
    {
        var ok = true;
        var total = Stopwatch.StartNew();
        await HerdAsync(100, print: false);
        ok &= await HerdAsync(10_000, print: true);
        ok &= await OutageAsync(networkDown: false);
        ok &= await OutageAsync(networkDown: true);
        Console.WriteLine(string.Create(Inv, $"scenarios took {total.Elapsed.TotalSeconds:0.0} s real time; {(ok ? "all expectations met" : "SOME EXPECTATIONS NOT MET")}"));
        return ok ? 0 : 1;
    }

    /// <summary>Callers arrive together on an expired token: one token request, everyone served from it.</summary>
    private static async Task<bool> HerdAsync(int callers, bool print)
    {
        var handler = new SlowTokenEndpoint(TimeSpan.FromMilliseconds(20));
        var now = TimeProvider.System.GetUtcNow();
        var expired = BenchEngine.Tokens("at-old", "rt-1", now - TimeSpan.FromHours(1) - TimeSpan.FromMinutes(1), TimeSpan.FromHours(1));
        await using var bench = new BenchEngine(expired, handler, TimeProvider.System, jitter: Random.Shared.NextDouble());
        await bench.Engine.StartAsync(CancellationToken.None);

        var tasks = new Task<(double Ms, TokenAnswerKind Kind)>[callers];
        for (var i = 0; i < callers; i++)
        {
            tasks[i] = TimedGetAsync(bench.Engine);
        }

        var results = await Task.WhenAll(tasks);
        var waits = results.Select(r => r.Ms).Order().ToArray();
        var served = results.Count(r => r.Kind == TokenAnswerKind.Token);
        var ok = handler.Requests == 1 && served == callers;
        if (print)
        {
            Console.WriteLine(string.Create(Inv, $"== {callers:N0} concurrent callers on an expired token (endpoint answers after 20 ms, TimeProvider.System)"));
            Console.WriteLine(string.Create(Inv, $"token-endpoint requests: {handler.Requests} (expected 1)"));
            Console.WriteLine(string.Create(Inv, $"callers served a token: {served:N0} of {callers:N0}"));
            Console.WriteLine(string.Create(Inv, $"caller wait: p50 {Percentile(waits, 0.50):0.0} ms, p99 {Percentile(waits, 0.99):0.0} ms, max {waits[^1]:0.0} ms"));
            Console.WriteLine();
        }

        return ok;
    }

    private static async Task<(double Ms, TokenAnswerKind Kind)> TimedGetAsync(TokenLifecycle engine)
    {
        var start = Stopwatch.GetTimestamp();
        var answer = await engine.GetTokenAsync(CancellationToken.None);
        return (Stopwatch.GetElapsedTime(start).TotalMilliseconds, answer.Kind);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>
    /// A 1 h token; the endpoint fails for 23h50m of fake time from just before the refresh-ahead point (under the
    /// 24 h ceiling), then recovers; one request right at recovery.
    /// </summary>
    private static async Task<bool> OutageAsync(bool networkDown)
    {
        var start = new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
        var lifetime = TimeSpan.FromHours(1);
        var outageStart = start + TimeSpan.FromMinutes(47);
        var outage = TimeSpan.FromHours(23) + TimeSpan.FromMinutes(50);
        var outageEnd = outageStart + outage;
        var time = new FakeTimeProvider(start);
        var handler = new OutageTokenEndpoint(time, outageStart, outageEnd, networkDown);
        await using var bench = new BenchEngine(BenchEngine.Tokens("at-1", "rt-1", start, lifetime), handler, time);
        var engine = bench.Engine;
        await engine.StartAsync(CancellationToken.None);

        var options = new TokenLifecycleOptions();
        var refreshAt = Backoff.RefreshAt(start, lifetime, options.RefreshAhead);
        await AdvanceAsync(time, outageStart - start, engine);
        var before = handler.Calls.Count;
        await AdvanceAsync(time, outage, engine);

        var calls = handler.Calls.Where(c => c.At >= outageStart && c.At < outageEnd).Select(c => c.At).ToList();
        var usableUntil = start + lifetime - TimeSpan.FromSeconds(5);
        var whileValid = calls.Count(c => c < usableUntil);
        var gaps = calls.Zip(calls.Skip(1), (a, b) => b - a).ToList();
        var statusAtRecovery = bench.Tracker.Status;
        var sinceLast = calls.Count > 0 ? time.GetUtcNow() - calls[^1] : TimeSpan.Zero;
        var nextScheduled = engine.NextAttemptAt;

        // Recovery: the endpoint answers again from now on; no fake time passes.
        var recoveredCallsBefore = handler.Calls.Count;
        var answer = await engine.GetTokenAsync(CancellationToken.None);
        var firstAfter = handler.Calls.Skip(recoveredCallsBefore).Select(c => ((DateTimeOffset At, bool Ok)?)c).FirstOrDefault();
        var firstSuccess = handler.Calls.Skip(recoveredCallsBefore).Where(c => c.Ok).Select(c => (DateTimeOffset?)c.At).FirstOrDefault();

        var kind = networkDown ? "network down (HttpRequestException)" : "http 503";
        Console.WriteLine(string.Create(Inv, $"== 1 h token, token endpoint {kind} for {Format(outage)} of fake time from {Format(outageStart - start)} (refresh ahead at {Format(refreshAt - start)}), then recovers"));
        Console.WriteLine(string.Create(Inv, $"token-endpoint calls before the outage: {before}"));
        Console.WriteLine(string.Create(Inv, $"token-endpoint calls during the outage: {calls.Count} ({whileValid} while the token was still valid, {calls.Count - whileValid} after it expired; reference system: 144 in 24 h)"));
        if (gaps.Count > 0)
        {
            Console.WriteLine(string.Create(Inv, $"first call at {Format(calls[0] - start)}; gap between calls: min {Format(gaps.Min())}, max {Format(gaps.Max())}"));
        }

        Console.WriteLine(string.Create(Inv, $"status at recovery: {statusAtRecovery.ToWire()}; last failed call {Format(sinceLast)} before recovery; next scheduled attempt in {(nextScheduled is { } n ? Format(n - time.GetUtcNow()) : "none")}"));
        Console.WriteLine(string.Create(Inv, $"GetTokenAsync right at recovery: {answer.Kind}{(answer.Kind == TokenAnswerKind.Token ? "" : $" ({answer.Reason})")}"));
        Console.WriteLine(firstAfter is { } f
            ? string.Create(Inv, $"first token-endpoint request after recovery: {(f.Ok ? "succeeded" : "failed")}, {Format(f.At - outageEnd)} of fake time after recovery")
            : "first token-endpoint request after recovery: none was made");
        Console.WriteLine(firstSuccess is { } s
            ? string.Create(Inv, $"delay from recovery to the first successful request: {Format(s - outageEnd)} (reference system: up to 10m)")
            : "delay from recovery to the first successful request: no successful request");
        Console.WriteLine(string.Create(Inv, $"status after: {bench.Tracker.Status.ToWire()}"));
        Console.WriteLine();

        return statusAtRecovery == WorkloadStatus.AuthRetrying
            && answer.Kind == TokenAnswerKind.Token
            && firstSuccess == outageEnd
            && firstAfter is { Ok: true };
    }

    private static string Format(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            return "-" + Format(-span);
        }

        if (span < TimeSpan.FromMinutes(1))
        {
            return string.Create(Inv, $"{span.TotalSeconds:0.###} s");
        }

        var text = new StringBuilder();
        if (span.Days > 0 || span.Hours > 0)
        {
            text.Append(Inv, $"{(int)span.TotalHours}h");
        }

        text.Append(Inv, $"{span.Minutes}m");
        if (span.Seconds > 0 || span.Milliseconds > 0)
        {
            text.Append(Inv, $"{span.Seconds + (span.Milliseconds / 1000.0):0.###}s");
        }

        return text.ToString();
    }

    /// <summary>
    /// Moves the fake clock by <paramref name="by"/>, stopping at each moment the monitor sleeps until and waiting
    /// for it to sleep again, so that every timer fires at its own time (the test harness's stepping, with a
    /// spinning wait so that thousands of steps take seconds).
    /// </summary>
    private static async Task AdvanceAsync(FakeTimeProvider time, TimeSpan by, TokenLifecycle engine)
    {
        var end = time.GetUtcNow() + by;
        for (var steps = 0; time.GetUtcNow() < end; steps++)
        {
            if (steps > 1_000_000)
            {
                throw new InvalidOperationException("too many steps");
            }

            WaitFor(() => engine.MonitorPark.Until is not null || engine.MonitorPark.Stopped, "the monitor to sleep");
            var park = engine.MonitorPark;
            var now = time.GetUtcNow();
            if (park.Stopped)
            {
                time.Advance(end - now);
                break;
            }

            var step = park.Until!.Value - now;
            if (step <= TimeSpan.Zero)
            {
                step = TimeSpan.FromMilliseconds(1);
            }

            var wakes = now + step <= end;
            if (!wakes)
            {
                step = end - now;
            }

            time.Advance(step);
            if (wakes)
            {
                WaitFor(() => engine.MonitorPark.Count > park.Count || engine.MonitorPark.Stopped, "the monitor to wake and sleep again");
            }
        }

        await Task.Yield();
    }

    private static void WaitFor(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.GetTimestamp() + (10 * Stopwatch.Frequency);
        var spin = default(SpinWait);
        while (!condition())
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"not reached in time: {what}");
            }

            spin.SpinOnce();
        }
    }

    private static HttpResponseMessage TokenResponse(string access, string refresh) =>
        new(HttpStatusCode.OK)
        {
            Content = new StringContent($$"""{"access_token":"{{access}}","token_type":"Bearer","expires_in":3600,"refresh_token":"{{refresh}}"}""", Encoding.UTF8, "application/json"),
        };

    /// <summary>Answers a new token after a real-time delay, counting requests.</summary>
    private sealed class SlowTokenEndpoint(TimeSpan delay) : HttpMessageHandler
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var n = Interlocked.Increment(ref _requests);
            await Task.Delay(delay, cancellationToken);
            return TokenResponse($"at-{n}", $"rt-{n + 1}");
        }
    }

    /// <summary>Fails from <paramref name="from"/> until <paramref name="until"/> (fake time), answers tokens otherwise.</summary>
    private sealed class OutageTokenEndpoint(TimeProvider time, DateTimeOffset from, DateTimeOffset until, bool networkDown) : HttpMessageHandler
    {
        private readonly List<(DateTimeOffset At, bool Ok)> _calls = [];

        public IReadOnlyList<(DateTimeOffset At, bool Ok)> Calls
        {
            get
            {
                lock (_calls)
                {
                    return [.. _calls];
                }
            }
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var now = time.GetUtcNow();
            var down = now >= from && now < until;
            lock (_calls)
            {
                _calls.Add((now, !down));
            }

            if (!down)
            {
                return Task.FromResult(TokenResponse($"at-{now.ToUnixTimeSeconds()}", $"rt-{now.ToUnixTimeSeconds()}"));
            }

            if (networkDown)
            {
                throw new HttpRequestException("Network is unreachable", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.NetworkUnreachable));
            }

            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("<html>maintenance</html>", Encoding.UTF8, "text/html") });
        }
    }
}
