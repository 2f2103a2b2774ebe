using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Tether.Tokens;
using Tether.Workloads;

namespace Tether.Tests.Fixtures;

/// <summary>One engine on a fake clock, a scripted or real token endpoint, an in-memory store and a recording sink.</summary>
public sealed class EngineHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>An engine started on tokens ("at-1", "rt-1") that live <paramref name="lifetime"/>, <c>running</c>.</summary>
    public static async Task<EngineHarness> RunningAsync(TimeSpan lifetime, TokenLifecycleOptions? options = null, bool clientFromRegistration = true)
    {
        var harness = new EngineHarness(Tokens("at-1", "rt-1", lifetime), options, clientFromRegistration: clientFromRegistration);
        await harness.Engine.StartAsync(CancellationToken.None);
        Assert.Equal(WorkloadStatus.Running, harness.Tracker.Status);
        return harness;
    }

    public EngineHarness(
        TokenSet? initial,
        TokenLifecycleOptions? options = null,
        HttpMessageHandler? handler = null,
        Uri? tokenEndpoint = null,
        bool clientFromRegistration = true,
        TimeProvider? time = null,
        ITokenStore? store = null,
        double jitter = 0.5,
        ClockWatcher? clockWatcher = null)
    {
        Time = time as FakeTimeProvider ?? new FakeTimeProvider(Start);
        var clock = time ?? Time;
        Handler = handler as ScriptedHandler ?? new ScriptedHandler();
        Handler.Clock ??= clock;
        Store = store ?? new InMemoryTokenStore(initial);
        Tracker = new WorkloadStatusTracker("w1", WorkloadStatus.Starting, Sink, clock);
        Http = new HttpClient(handler ?? Handler);
        Config = new TokenClientConfig(tokenEndpoint ?? new Uri("https://as.example/token"), "client-1", null, ClientAuthMethod.None, "https://mcp.example/", null, "https://as.example", clientFromRegistration);
        Engine = new TokenLifecycle("w1", Config, options ?? new TokenLifecycleOptions(), Store, Tracker, new TokenEndpointClient(Http, clock, TimeSpan.FromSeconds(5)), clock, Logs.CreateLogger("engine"), () => jitter, clockWatcher);
    }

    public FakeTimeProvider Time { get; }

    public ScriptedHandler Handler { get; }

    public ITokenStore Store { get; }

    public RecordingSink Sink { get; } = new();

    public WorkloadStatusTracker Tracker { get; }

    public HttpClient Http { get; }

    public TokenClientConfig Config { get; }

    public TokenLifecycle Engine { get; }

    public FakeLogCollector LogCollector { get; } = new();

    public ILoggerFactory Logs => _logs ??= LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(LogCollector)));

    private ILoggerFactory? _logs;

    public static TokenSet Tokens(string access, string refresh, TimeSpan lifetime, DateTimeOffset? issuedAt = null) =>
        new(access, (issuedAt ?? Start) + lifetime, refresh) { IssuedLifetime = lifetime };

    public string AllLogText => string.Join("\n", LogCollector.GetSnapshot().Select(r => r.Message + " " + string.Join(",", r.StructuredState?.Select(kv => kv.Value) ?? [])));

    /// <summary>
    /// A request through the engine as the local endpoint makes it, moving the fake clock in small steps while it
    /// waits (for a deferred probe or an attempt), up to the request wait budget and a little more.
    /// </summary>
    public async Task<TokenAnswer> RequestAsync()
    {
        var pending = Engine.GetTokenAsync(default).AsTask();
        for (var i = 0; i < 60 && !pending.IsCompleted; i++)
        {
            await Eventually.SettleAsync();
            if (!pending.IsCompleted)
            {
                await AdvanceAsync(TimeSpan.FromMilliseconds(250));
            }
        }

        return await pending.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// Moves the fake clock by <paramref name="by"/>, stopping at each moment the engine's monitor sleeps until and
    /// waiting for it to go back to sleep, so that every timer fires at its own time.
    /// </summary>
    public Task AdvanceAsync(TimeSpan by) => AdvanceAsync(Time, by, Engine);

    public static async Task AdvanceAsync(FakeTimeProvider time, TimeSpan by, params TokenLifecycle[] engines)
    {
        var remaining = by;
        while (remaining > TimeSpan.Zero)
        {
            foreach (var engine in engines)
            {
                await Eventually.TrueAsync(() => engine.MonitorPark.Until is not null || IsStopped(engine), "the monitor to sleep");
            }

            var now = time.GetUtcNow();
            var nextWake = engines.Where(e => !IsStopped(e)).Select(e => e.MonitorPark.Until ?? DateTimeOffset.MaxValue).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
            var step = nextWake - now;
            if (step <= TimeSpan.Zero)
            {
                step = TimeSpan.FromMilliseconds(1);
            }

            var wakes = step <= remaining;
            if (!wakes)
            {
                step = remaining;
            }

            var counts = engines.Select(e => e.MonitorPark.Count).ToArray();
            time.Advance(step);
            remaining -= step;
            if (wakes)
            {
                for (var i = 0; i < engines.Length; i++)
                {
                    var engine = engines[i];
                    var before = counts[i];
                    if (!IsStopped(engine) && engine.MonitorPark.Until is { } until && until <= time.GetUtcNow())
                    {
                        await Eventually.TrueAsync(() => engine.MonitorPark.Count > before || engine.MonitorPark.Until is null && IsStopped(engine), "the monitor to wake and sleep again");
                    }
                }
            }
        }

        await Eventually.SettleAsync();
    }

    private static bool IsStopped(TokenLifecycle engine) => engine.MonitorPark.Stopped;

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        Http.Dispose();
        _logs?.Dispose();
    }
}
