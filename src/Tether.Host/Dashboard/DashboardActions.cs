using Microsoft.AspNetCore.Http;
using Tether.Api;
using Tether.Workloads;

namespace Tether.Dashboard;

/// <summary>
/// The page's buttons: stop and start answer JSON to the page's script; reauth is a form posted into a new tab,
/// which lands on the authorization server's sign-in page once the host has one (or on a page saying why not).
/// </summary>
internal sealed class DashboardActions(WorkloadApi workloads, TimeProvider time)
{
    /// <summary>How long reauth waits for the sign-in page's URL before telling the user to look at the dashboard.</summary>
    private static readonly TimeSpan SignInWait = TimeSpan.FromSeconds(20);

    public async Task RunAsync(HttpContext context, string name, string action)
    {
        var cancellationToken = context.RequestAborted;
        try
        {
            switch (action)
            {
                case "stop":
                    await WriteViewAsync(context, await workloads.StopAsync(name, cancellationToken));
                    break;
                case "start":
                    await WriteViewAsync(context, await workloads.StartAsync(name, cancellationToken));
                    break;
                case "reauth":
                    await workloads.ReauthAsync(name, reregister: false, cancellationToken);
                    await RedirectToSignInAsync(context, name, cancellationToken);
                    break;
                default:
                    await DashboardAssets.WriteMessageAsync(context, StatusCodes.Status404NotFound, "Not found", $"There is no action '{action}'.");
                    break;
            }
        }
        catch (WorkloadException ex)
        {
            var status = ex.Code.ToHttpStatus();
            if (action == "reauth")
            {
                await DashboardAssets.WriteMessageAsync(context, status, $"Cannot sign in to {name}", ex.Message);
                return;
            }

            context.Response.StatusCode = status;
            await context.Response.WriteAsJsonAsync(new ApiError(ex.Code.ToWire(), ex.Message), ApiJson.Default.ApiError, cancellationToken: cancellationToken);
        }
    }

    private static Task WriteViewAsync(HttpContext context, WorkloadView view)
    {
        DashboardAssets.SetSecurityHeaders(context.Response);
        return context.Response.WriteAsJsonAsync(view, ApiJson.Default.WorkloadView, cancellationToken: context.RequestAborted);
    }

    private async Task RedirectToSignInAsync(HttpContext context, string name, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + SignInWait;
        while (true)
        {
            var view = (await workloads.GetAsync(name, cancellationToken)).Workload;
            if (view.SignInUrl is { } url && Uri.TryCreate(url, UriKind.Absolute, out var signIn) && (signIn.Scheme == Uri.UriSchemeHttps || signIn.Scheme == Uri.UriSchemeHttp))
            {
                DashboardAssets.SetSecurityHeaders(context.Response);
                context.Response.Redirect(signIn.AbsoluteUri);
                return;
            }

            var settled = view.Status is not ("starting" or "authenticating");
            if (settled || time.GetUtcNow() >= deadline)
            {
                var message = settled
                    ? $"{name} is {view.Status}: {view.StatusReason}"
                    : $"{name} is still {view.Status}; the dashboard shows the sign-in link when there is one.";
                await DashboardAssets.WriteMessageAsync(context, StatusCodes.Status200OK, $"Sign-in for {name}", message);
                return;
            }

            // The sign-in URL is known a moment after the workload starts authenticating (metadata, registration).
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken);
        }
    }
}
