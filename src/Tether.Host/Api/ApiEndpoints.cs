using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tether.Workloads;

namespace Tether.Api;

/// <summary>The host's REST API under <c>/api/v1</c>.</summary>
internal static class ApiEndpoints
{
    public static string Version { get; } =
        typeof(ApiEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static void Map(IEndpointRouteBuilder app, WorkloadApi workloads, Action shutdown)
    {
        var api = app.MapGroup("/api/v1").AddEndpointFilter(TranslateErrorsAsync);
        api.MapGet("/health", () => Results.Json(new HealthView("ok", Version, workloads.Count), ApiJson.Default.HealthView))
            .WithName("GetHealth").WithSummary("The host's health and version.");
        api.MapGet("/workloads", (bool? all) => Results.Json(workloads.List(all ?? false), ApiJson.Default.IReadOnlyListWorkloadView))
            .WithName("ListWorkloads").WithSummary("Workloads the user has not stopped, or all with ?all=true.");
        api.MapGet("/workloads/{name}", async (string name, CancellationToken ct) =>
                Results.Json(await workloads.GetAsync(name, ct), ApiJson.Default.WorkloadDetailView))
            .WithName("GetWorkload").WithSummary("A workload with its status history.");
        api.MapGet("/workloads/{name}/history", async (string name, CancellationToken ct) =>
                Results.Json((await workloads.GetAsync(name, ct)).History, ApiJson.Default.IReadOnlyListTransitionView))
            .WithName("GetWorkloadHistory").WithSummary("A workload's status transitions, oldest first.");
        api.MapGet("/workloads/{name}/health", (string name) => Results.Json(workloads.Health(name), ApiJson.Default.WorkloadHealthView))
            .WithName("GetWorkloadHealth").WithSummary("A workload's health for aggregators.");
        api.MapPost("/workloads", async (HttpRequest request, CancellationToken ct) =>
            {
                var body = await ReadAsync(request, ApiJson.Default.RunWorkloadRequest, ct);
                var view = await workloads.RunAsync(body, ct);
                return Results.Json(view, ApiJson.Default.WorkloadView, statusCode: StatusCodes.Status202Accepted);
            })
            .WithName("RunWorkload").WithSummary("Create a workload and start it (sign-in follows if the server asks).");
        api.MapPost("/workloads/{name}/stop", async (string name, CancellationToken ct) => Results.Json(await workloads.StopAsync(name, ct), ApiJson.Default.WorkloadView))
            .WithName("StopWorkload");
        api.MapPost("/workloads/{name}/start", async (string name, CancellationToken ct) => Results.Json(await workloads.StartAsync(name, ct), ApiJson.Default.WorkloadView))
            .WithName("StartWorkload").WithSummary("Start a stopped workload or restart a running one.");
        api.MapPost("/workloads/{name}/reauth", async (string name, HttpRequest request, CancellationToken ct) =>
            {
                var body = request.ContentLength is > 0 ? await ReadAsync(request, ApiJson.Default.ReauthRequest, ct) : new ReauthRequest();
                return Results.Json(await workloads.ReauthAsync(name, body.Reregister, ct), ApiJson.Default.WorkloadView);
            })
            .WithName("ReauthWorkload").WithSummary("Sign in again without losing the workload.");
        api.MapPost("/workloads/{name}/sign-in/cancel", async (string name, CancellationToken ct) => Results.Json(await workloads.CancelSignInAsync(name, ct), ApiJson.Default.WorkloadView))
            .WithName("CancelSignIn").WithSummary("Stop waiting for a sign-in in progress; the workload goes to error saying so.");
        api.MapDelete("/workloads/{name}", async (string name, CancellationToken ct) =>
            {
                await workloads.RemoveAsync(name, ct);
                return Results.NoContent();
            })
            .WithName("RemoveWorkload").WithSummary("Remove a workload and its secrets.");
        api.MapPost("/shutdown", () =>
            {
                shutdown();
                return Results.Accepted();
            })
            .WithName("ShutdownHost").WithSummary("Stop the host; its workloads come back at its next start.");
    }

    private static async Task<T> ReadAsync<T>(HttpRequest request, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken ct)
    {
        try
        {
            return await request.ReadFromJsonAsync(type, ct) ?? throw WorkloadException.BadRequest("the request body is empty");
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw WorkloadException.BadRequest($"the request body is not valid JSON for this call: {ex.Message}");
        }
        catch (InvalidOperationException ex) when (!request.HasJsonContentType())
        {
            throw WorkloadException.BadRequest($"the request body must be JSON: {ex.Message}");
        }
    }

    private static async ValueTask<object?> TranslateErrorsAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (WorkloadException ex)
        {
            return Results.Json(new ApiError(ex.Code.ToWire(), ex.Message), ApiJson.Default.ApiError, statusCode: ex.Code.ToHttpStatus());
        }
    }
}
