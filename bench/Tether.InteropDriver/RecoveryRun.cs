using System.Diagnostics;
using Tether.Interop.Harness;
using Tether.Interop.Servers;

namespace Tether.InteropDriver;

/// <summary>
/// One server, default Tether settings: sign in, then a client calling a tool every <c>pace</c>; the token endpoint
/// goes behind a WAF (403, HTML) for <c>outage</c>, across the access token's expiry, then heals. Measures what the
/// user sees after healing and what the outage cost the authorization server.
/// </summary>
internal static class RecoveryRun
{
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromMinutes(15);

    public static async Task<RecoveryFigures> RunAsync(Func<TimeSpan, CancellationToken, Task<IInteropServer>> start, TimeSpan lifetime, TimeSpan outage, TimeSpan pace, CancellationToken cancellationToken)
    {
        await using var server = await start(lifetime, cancellationToken);
        await using var tether = await TetherUnderTest.StartAsync(cancellationToken);
        var view = await tether.RunAndSignInAsync(server.McpUrl, "bench", cancellationToken);
        if (view.Status != "running")
        {
            throw new InvalidOperationException($"{server.Name}: sign-in ended {view.Status} ({view.StatusReason})");
        }

        using var client = new McpSession(new Uri(view.Url!));
        if (!(await client.InitializeAsync(cancellationToken)).Succeeded || !(await client.EchoAsync("before", cancellationToken)).Succeeded)
        {
            throw new InvalidOperationException($"{server.Name}: the first call did not go through");
        }

        var before = (await server.CountersAsync(cancellationToken)).TokenRequests;
        await server.SetWafAsync(true, cancellationToken);
        var clock = Stopwatch.StartNew();
        var callsInOutage = 0;
        TimeSpan? healedAt = null;
        var tokenRequestsInOutage = 0;
        var failedAfterHealing = 0;
        for (var call = 0L; clock.Elapsed < outage + RecoveryBound; call++)
        {
            var due = pace * call;
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed, cancellationToken);
            }

            if (healedAt is null && clock.Elapsed >= outage)
            {
                tokenRequestsInOutage = (await server.CountersAsync(cancellationToken)).TokenRequests - before;
                await server.SetWafAsync(false, cancellationToken);
                healedAt = clock.Elapsed;
            }

            var outcome = await client.EchoAsync("during the run", cancellationToken);
            if (healedAt is null)
            {
                callsInOutage++;
            }
            else if (outcome.Succeeded)
            {
                return new RecoveryFigures(server.Name, clock.Elapsed - healedAt.Value, failedAfterHealing, tokenRequestsInOutage, callsInOutage);
            }
            else
            {
                failedAfterHealing++;
                if (await tether.ViewAsync("bench", cancellationToken) is { Status: "unauthenticated" } lost)
                {
                    // A verdict: no call will go through until the user signs in again.
                    return new RecoveryFigures(server.Name, null, failedAfterHealing, tokenRequestsInOutage, callsInOutage, $"unauthenticated: {lost.StatusReason}");
                }
            }
        }

        return new RecoveryFigures(server.Name, null, failedAfterHealing, tokenRequestsInOutage, callsInOutage, "no call went through");
    }
}
