using Microsoft.Extensions.Logging.Abstractions;
using Tether.Tokens;
using Tether.Workloads;

namespace Tether.Benchmarks;

/// <summary>Builds one token engine over an in-process token endpoint, as the test harness does.</summary>
internal sealed class BenchEngine : IAsyncDisposable
{
    public BenchEngine(TokenSet? initial, HttpMessageHandler handler, TimeProvider time, TokenLifecycleOptions? options = null, double jitter = 0.5)
    {
        Store = new InMemoryTokenStore(initial);
        Tracker = new WorkloadStatusTracker("w1", WorkloadStatus.Starting, NullSink.Instance, time);
        Http = new HttpClient(handler);
        var config = new TokenClientConfig(new Uri("https://as.example/token"), "client-1", null, ClientAuthMethod.None, "https://mcp.example/", null, "https://as.example", true);
        Engine = new TokenLifecycle("w1", config, options ?? new TokenLifecycleOptions(), Store, Tracker, new TokenEndpointClient(Http, time, TimeSpan.FromSeconds(5)), time, NullLogger.Instance, () => jitter);
    }

    public InMemoryTokenStore Store { get; }

    public WorkloadStatusTracker Tracker { get; }

    public HttpClient Http { get; }

    public TokenLifecycle Engine { get; }

    public static TokenSet Tokens(string access, string refresh, DateTimeOffset issuedAt, TimeSpan lifetime) =>
        new(access, issuedAt + lifetime, refresh) { IssuedLifetime = lifetime };

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        Http.Dispose();
    }

    private sealed class NullSink : IStatusSink
    {
        public static readonly NullSink Instance = new();

        public void OnTransition(string workload, StatusTransition transition)
        {
        }
    }
}
