using Tether.Api;
using Tether.Sandbox;

namespace Tether.Tests.Fixtures;

/// <summary>Runs a workload through a host's API and plays the user's browser on the sandbox.</summary>
internal static class SandboxSignIn
{
    /// <summary>How long a workload may take to settle (a bound on the wait, not an expectation of speed).</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);

    /// <summary>Runs the workload and completes its sign-in whenever it waits for one; returns once it settles.</summary>
    public static async Task<WorkloadView> RunAndSignInAsync(this WorkloadApi workloads, SandboxServer sandbox, RunWorkloadRequest request, CancellationToken cancellationToken)
    {
        var view = await workloads.RunAsync(request, cancellationToken);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(Bound);
        var signedIn = false;
        while (view.Status is "starting" or "authenticating")
        {
            if (view.SignInUrl is { } url && !signedIn)
            {
                signedIn = true;
                await sandbox.CompleteSignInAsync(new Uri(url), bound.Token);
            }

            await Task.Delay(50, bound.Token);
            view = (await workloads.GetAsync(request.Name!, bound.Token)).Workload;
        }

        return view;
    }
}
