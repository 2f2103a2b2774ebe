using BenchmarkDotNet.Attributes;
using Tether.Tokens;

namespace Tether.Benchmarks;

/// <summary>The request path with a valid token: no lock, no allocation.</summary>
[MemoryDiagnoser]
public class GetTokenBenchmarks
{
    private BenchEngine _engine = null!;

    [GlobalSetup]
    public void Setup()
    {
        var now = TimeProvider.System.GetUtcNow();
        _engine = new BenchEngine(BenchEngine.Tokens("at-1", "rt-1", now, TimeSpan.FromHours(1)), new NeverCalledHandler(), TimeProvider.System);
        _engine.Engine.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        if (_engine.Engine.GetTokenAsync(CancellationToken.None).Result.Kind != TokenAnswerKind.Token)
        {
            throw new InvalidOperationException("the engine does not serve the stored token");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _engine.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public TokenAnswer GetToken_ValidToken() => _engine.Engine.GetTokenAsync(CancellationToken.None).Result;

    private sealed class NeverCalledHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the token endpoint must not be called");
    }
}
