using Tether.Api;
using Tether.Configuration;
using Tether.Hosting;
using Tether.Sandbox;
using Tether.Sandbox.Faults;

using Tether.Tests.Fixtures;

namespace Tether.Tests.Workloads;

/// <summary>
/// On the sandbox: the authorization server refuses a refresh ahead of expiry. The workload keeps serving on the token
/// it has (running, health degraded, the reason naming the deadline and the command), then needs the sign-in.
/// </summary>
public sealed class WorkloadRefreshRefusedTests : IAsyncLifetime
{
    private readonly string _home = Directory.CreateTempSubdirectory("tether-refused-").FullName;
    private SandboxServer _sandbox = null!;
    private TetherHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { AccessTokenLifetime = TimeSpan.FromSeconds(6) }, Ct);
        _host = await TetherHost.StartAsync(new TetherHostOptions { Paths = new TetherPaths(_home), TokenOptions = new(), Advertise = false, ServerAnswerWait = TimeSpan.FromMinutes(2) }, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _sandbox.DisposeAsync();
        Directory.Delete(_home, recursive: true);
    }

    [Fact]
    public async Task Refresh_RefusedWhileTheTokenWorks_RunningDegradedUntilExpiryThenUnauthenticated()
    {
        var view = await _host.Workloads.RunAndSignInAsync(_sandbox, new RunWorkloadRequest { Url = _sandbox.McpUrl.AbsoluteUri, Name = "refused" }, Ct);
        Assert.Equal("running", view.Status);
        _sandbox.Faults.Set(TokenEndpointFault.InvalidGrant);

        var degraded = await UntilAsync(v => v.StatusReason.StartsWith("refresh refused", StringComparison.Ordinal) || v.Status != "running");
        var final = await UntilAsync(v => v.Status != "running");

        Assert.Equal("running", degraded.Status);
        Assert.Equal("degraded", degraded.Health);
        Assert.Matches(@"^refresh refused \(invalid_grant: The refresh token is no longer valid\.\): sign in again before \d\d:\d\d with tether reauth refused$", degraded.StatusReason);
        Assert.Equal("unauthenticated", final.Status);
        Assert.Equal("unauthenticated", final.Health);
        Assert.Contains("tether reauth refused", final.StatusReason, StringComparison.Ordinal);
    }

    private async Task<WorkloadView> UntilAsync(Func<WorkloadView, bool> condition)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bound.CancelAfter(SandboxSignIn.Bound);
        while (true)
        {
            var view = (await _host.Workloads.GetAsync("refused", bound.Token)).Workload;
            if (condition(view))
            {
                return view;
            }

            await Task.Delay(20, bound.Token);
        }
    }
}
