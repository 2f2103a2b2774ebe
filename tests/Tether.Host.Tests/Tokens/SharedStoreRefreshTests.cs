using Microsoft.Extensions.Logging.Abstractions;
using Tether.Configuration;
using Tether.Sandbox;
using Tether.SignIn;
using Tether.Store;
using Tether.Tokens;
using Tether.Workloads;

namespace Tether.Tests.Tokens;

/// <summary>Two engines, each on its own store instance over one SQLite file (as two hosts would be), refreshing against a rotating server.</summary>
public sealed class SharedStoreRefreshTests : IAsyncLifetime
{
    private readonly string _home = Directory.CreateTempSubdirectory("tether-shared-").FullName;
    private SandboxServer _sandbox = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { AccessTokenLifetime = TimeSpan.FromSeconds(2) }, Ct);

    public async ValueTask DisposeAsync()
    {
        await _sandbox.DisposeAsync();
        Directory.Delete(_home, recursive: true);
    }

    [Fact]
    public async Task TwoStoresOnOneFile_ConcurrentRefreshes_NoRefreshTokenSpentTwice()
    {
        var paths = new TetherPaths(_home);
        using var storeA = await TetherStore.OpenAsync(paths, KeySourceMode.File, TimeProvider.System, NullLoggerFactory.Instance, Ct);
        using var storeB = await TetherStore.OpenAsync(paths, KeySourceMode.File, TimeProvider.System, NullLoggerFactory.Instance, Ct);
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
        var signIn = new SignInService(http, storeA, TimeProvider.System, TimeSpan.FromMinutes(2));
        var challenge = await signIn.DetectAsync(_sandbox.McpUrl, Ct);
        var result = await signIn.SignInAsync(new SignInRequest { McpUrl = _sandbox.McpUrl }, challenge, url => _ = _sandbox.CompleteSignInAsync(url, Ct), Ct);
        await storeA.AddWorkloadAsync(new WorkloadRecord("shared", _sandbox.McpUrl.AbsoluteUri, "streamable-http", 1, new WorkloadConfig()), Ct);
        await using (var lease = await storeA.ForWorkload("shared").AcquireAsync(Ct))
        {
            await lease.CommitAsync(result.Tokens, Ct);
        }

        var options = new TokenLifecycleOptions { ProbeMinInterval = TimeSpan.FromMilliseconds(200), RequestWait = TimeSpan.FromSeconds(30) };
        var trackerA = new WorkloadStatusTracker("shared", WorkloadStatus.Starting, storeA, TimeProvider.System);
        var trackerB = new WorkloadStatusTracker("shared", WorkloadStatus.Starting, storeB, TimeProvider.System);
        await using var a = new TokenLifecycle("shared", result.Client, options, storeA.ForWorkload("shared"), trackerA, new TokenEndpointClient(http, TimeProvider.System), TimeProvider.System, NullLogger.Instance);
        await using var b = new TokenLifecycle("shared", result.Client, options, storeB.ForWorkload("shared"), trackerB, new TokenEndpointClient(http, TimeProvider.System), TimeProvider.System, NullLogger.Instance);
        await Task.WhenAll(a.StartAsync(Ct), b.StartAsync(Ct));

        // About four token lifetimes: each engine refreshes ahead of every expiry, and requests hit both meanwhile.
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(8);
        while (DateTime.UtcNow < until)
        {
            var answers = await Task.WhenAll(a.GetTokenAsync(Ct).AsTask(), b.GetTokenAsync(Ct).AsTask());
            Assert.All(answers, x => Assert.Equal(TokenAnswerKind.Token, x.Kind));
            await Task.Delay(100, Ct);
        }

        Assert.DoesNotContain(trackerA.History, t => t.To is WorkloadStatus.Unauthenticated or WorkloadStatus.AuthRetrying);
        Assert.DoesNotContain(trackerB.History, t => t.To is WorkloadStatus.Unauthenticated or WorkloadStatus.AuthRetrying);
        Assert.InRange(_sandbox.Counters.TokenRequests, 3, 12);
    }
}
