using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Tether.Api;
using Tether.Workloads;

namespace Tether.Dashboard;

/// <summary>
/// The dashboard under <c>/dashboard</c> on the API's port. Its own gate, in front of the API's: a loopback
/// <c>Host</c> (DNS rebinding), no foreign <c>Origin</c> and no cross-site fetch (web pages), and the session cookie
/// that only a one-time link from the API (the host key, so the user) can set; without it nothing is served.
/// </summary>
internal sealed class DashboardEndpoints
{
    public const string CookieName = "tether_dashboard";

    private readonly DashboardSessions _sessions;
    private readonly DashboardEvents _events;
    private readonly DashboardActions _actions;

    private DashboardEndpoints(DashboardSessions sessions, DashboardEvents events, DashboardActions actions)
    {
        _sessions = sessions;
        _events = events;
        _actions = actions;
    }

    /// <summary>Maps the page (before the API's gate) and <c>POST /api/v1/dashboard/links</c> (behind it).</summary>
    public static void Map(WebApplication app, WorkloadApi workloads, TimeProvider time)
    {
        var sessions = new DashboardSessions(time);
        var stopping = app.Services.GetService(typeof(IHostApplicationLifetime)) is IHostApplicationLifetime lifetime ? lifetime.ApplicationStopping : CancellationToken.None;
        var dashboard = new DashboardEndpoints(sessions, new DashboardEvents(new DashboardFeed(workloads), time, stopping), new DashboardActions(workloads, time));
        app.MapWhen(context => context.Request.Path.StartsWithSegments("/dashboard", StringComparison.Ordinal), branch => branch.Run(dashboard.HandleAsync));
        app.MapPost("/api/v1/dashboard/links", (HttpContext context) =>
            {
                var code = sessions.NewCode();
                var url = $"http://127.0.0.1:{context.Connection.LocalPort}/dashboard/open?code={code}";
                return Results.Json(new DashboardLink(url, time.GetUtcNow() + DashboardSessions.LinkLifetime), DashboardJson.Default.DashboardLink);
            })
            .WithName("CreateDashboardLink").WithSummary("A one-time URL that opens the dashboard in a browser.");
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (!IsLoopbackHost(context))
        {
            await DashboardAssets.WriteMessageAsync(context, StatusCodes.Status421MisdirectedRequest, "Refused", "This page answers on 127.0.0.1 only.");
            return;
        }

        if (request.Headers.Origin.Count > 0 && !IsOwnOrigin(context, request.Headers.Origin.ToString()))
        {
            await DashboardAssets.WriteMessageAsync(context, StatusCodes.Status403Forbidden, "Refused", "Requests from other origins are refused.");
            return;
        }

        var path = request.Path.Value ?? "";
        if (path == "/dashboard/open")
        {
            await OpenAsync(context);
            return;
        }

        // A top-level navigation typed or opened by a program is "none"; a page of this origin is "same-origin".
        if (request.Headers["Sec-Fetch-Site"].ToString() is { Length: > 0 } site && site is not ("same-origin" or "none"))
        {
            await DashboardAssets.WriteMessageAsync(context, StatusCodes.Status403Forbidden, "Refused", "Requests from other sites are refused.");
            return;
        }

        if (!_sessions.IsValid(request.Cookies[CookieName]))
        {
            await DashboardAssets.WriteMessageAsync(context, StatusCodes.Status401Unauthorized, "Not signed in to this dashboard", "Open it with 'tether dashboard'.");
            return;
        }

        if (path == "/dashboard")
        {
            context.Response.Redirect("/dashboard/");
            return;
        }

        if (HttpMethods.IsGet(request.Method) && DashboardAssets.TryGet(path, out var body, out var type))
        {
            DashboardAssets.SetSecurityHeaders(context.Response);
            context.Response.ContentType = type;
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
            return;
        }

        if (HttpMethods.IsGet(request.Method) && path == "/dashboard/events")
        {
            await _events.StreamAsync(context);
            return;
        }

        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (HttpMethods.IsPost(request.Method) && parts is ["dashboard", "workloads", var name, var action])
        {
            // Actions change things: a browser always sends Origin with a POST, so its absence is not a browser of ours.
            if (request.Headers.Origin.Count == 0)
            {
                await DashboardAssets.WriteMessageAsync(context, StatusCodes.Status403Forbidden, "Refused", "Actions need a request from the dashboard page.");
                return;
            }

            await _actions.RunAsync(context, Uri.UnescapeDataString(name), action);
            return;
        }

        await DashboardAssets.WriteMessageAsync(context, StatusCodes.Status404NotFound, "Not found", "There is nothing here.");
    }

    private async Task OpenAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method) || _sessions.Exchange(context.Request.Query["code"].ToString()) is not { } session)
        {
            await DashboardAssets.WriteMessageAsync(context, StatusCodes.Status403Forbidden, "This link was already used or has expired", "Each dashboard link opens once, within a minute. Run 'tether dashboard' for a new one.");
            return;
        }

        context.Response.Cookies.Append(CookieName, session, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Path = "/dashboard",
            IsEssential = true,
        });
        DashboardAssets.SetSecurityHeaders(context.Response);
        context.Response.Redirect("/dashboard/");
    }

    private static bool IsLoopbackHost(HttpContext context) =>
        context.Request.Host.Port == context.Connection.LocalPort && context.Request.Host.Host is "127.0.0.1" or "localhost" or "[::1]";

    private static bool IsOwnOrigin(HttpContext context, string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback
        && uri.Port == context.Connection.LocalPort && uri.Host is "127.0.0.1" or "localhost" or "[::1]";
}
