using System.Diagnostics;
using System.Net.NetworkInformation;
using Tether.Sandbox.Faults;
using Tether.Tests.Fixtures;
using Tether.Tokens;
using Tether.Workloads;

namespace Tether.Tests.Tokens;

/// <summary>
/// A real "network changed" event (an address added to <c>lo</c> raises <see cref="NetworkChange.NetworkAddressChanged"/>)
/// shortly after a failed attempt, on the real clock: it must lead to an attempt at the end of the probe interval.
/// </summary>
public sealed class NetworkChangeProbeTests : IAsyncLifetime
{
    private ScriptedTokenServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await ScriptedTokenServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task NotifyNetworkChanged_RealAddressChangeJustAfterAFailedAttempt_RecoversLongBeforeTheCadence()
    {
        var (access, refresh) = _server.Issue();
        _server.Fail(TokenEndpointFault.WafHtml403);
        var lifetime = TimeSpan.FromSeconds(3);
        var tokens = new TokenSet(access, TimeProvider.System.GetUtcNow() + lifetime, refresh) { IssuedLifetime = lifetime };
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false };
        await using var h = new EngineHarness(tokens, new TokenLifecycleOptions(), handler, _server.TokenEndpoint, time: TimeProvider.System);
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        NetworkAddressChangedEventHandler onChange = (_, _) =>
        {
            changed.TrySetResult();
            h.Engine.NotifyNetworkChanged();
        };
        NetworkChange.NetworkAddressChanged += onChange;
        try
        {
            await h.Engine.StartAsync(default);
            await Eventually.TrueAsync(() => h.Tracker.Status == WorkloadStatus.AuthRetrying, "auth_retrying once the token expired", TimeSpan.FromSeconds(20));
            var probe = await h.Engine.GetTokenAsync(default);
            Assert.Equal(TokenAnswerKind.Retrying, probe.Kind);
            var cadence = h.Engine.NextAttemptAt!.Value;
            Assert.True(cadence - TimeProvider.System.GetUtcNow() > TimeSpan.FromSeconds(20), "the cadence alone would not try within the test");
            _server.Succeed();

            var address = $"127.0.0.{Random.Shared.Next(100, 250)}/8";
            if (!await IpAsync($"addr add {address} dev lo"))
            {
                Assert.Skip("cannot add an address to lo here (needs CAP_NET_ADMIN): the real network change is not tested");
            }

            try
            {
                if (await Task.WhenAny(changed.Task, Task.Delay(TimeSpan.FromSeconds(5))) != changed.Task)
                {
                    Assert.Skip("this machine raised no NetworkAddressChanged for an address added to lo");
                }

                await Eventually.TrueAsync(() => h.Tracker.Status == WorkloadStatus.Running, "running through the deferred network probe", TimeSpan.FromSeconds(15));
            }
            finally
            {
                await IpAsync($"addr del {address} dev lo");
            }

            Assert.True(TimeProvider.System.GetUtcNow() < cadence, "recovered before the cadence's attempt");
            Assert.Contains(h.LogCollector.GetSnapshot(), r => r.Id.Id == 1012);
        }
        finally
        {
            NetworkChange.NetworkAddressChanged -= onChange;
        }
    }

    private static async Task<bool> IpAsync(string arguments)
    {
        try
        {
            using var ip = Process.Start(new ProcessStartInfo("ip", arguments) { RedirectStandardError = true, RedirectStandardOutput = true });
            if (ip is null)
            {
                return false;
            }

            await ip.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            return ip.ExitCode == 0;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or TimeoutException)
        {
            return false;
        }
    }
}
