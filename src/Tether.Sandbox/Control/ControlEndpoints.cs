using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tether.Sandbox.Authorization;
using Tether.Sandbox.Faults;

namespace Tether.Sandbox.Control;

/// <summary>The control endpoint under <c>/control</c>: faults, revocation, token lifetime, counters.</summary>
internal static class ControlEndpoints
{
    public static void Map(IEndpointRouteBuilder app, SandboxServer sandbox)
    {
        var control = app.MapGroup("/control");
        control.MapGet("/faults", () => Results.Json(new FaultView(sandbox.Faults.Current.ToWire()), SandboxJson.Default.FaultView));
        control.MapPost("/faults", async (HttpContext context) =>
        {
            var (request, error) = await ReadAsync(context, SandboxJson.Default.FaultRequest);
            if (error is not null)
            {
                return error;
            }

            if (!TokenEndpointFaultNames.TryParse(request!.Fault, out var fault))
            {
                return Bad($"fault '{request.Fault}' is not one of: {string.Join(", ", TokenEndpointFaultNames.All)}");
            }

            TimeSpan? duration = null;
            if (request.Duration is { } d)
            {
                if (!SandboxDurations.TryParse(d, out var parsed))
                {
                    return Bad($"duration '{d}' is not a duration such as 500ms, 30s or 2m");
                }

                duration = parsed;
            }

            TimeSpan? retryAfter = null;
            if (request.RetryAfter is { } r)
            {
                if (!SandboxDurations.TryParse(r, out var parsed))
                {
                    return Bad($"retry_after '{r}' is not a duration such as 5s");
                }

                retryAfter = parsed;
            }

            if (request.Count is <= 0)
            {
                return Bad("count must be a positive number");
            }

            sandbox.Faults.Set(fault, request.Count, duration, retryAfter);
            return Results.Json(new FaultView(fault.ToWire()), SandboxJson.Default.FaultView);
        });
        control.MapDelete("/faults", () =>
        {
            sandbox.Faults.Clear();
            return Results.Json(new FaultView("none"), SandboxJson.Default.FaultView);
        });
        control.MapPost("/revoke", () =>
        {
            sandbox.RevokeAllTokens();
            return Results.NoContent();
        });
        control.MapGet("/counters", () => Results.Json(new CountersView(sandbox.Counters.TokenRequests, sandbox.Counters.McpRequests), SandboxJson.Default.CountersView));
        control.MapDelete("/counters", () =>
        {
            sandbox.Counters.Reset();
            return Results.NoContent();
        });
        control.MapPost("/token-lifetime", async (HttpContext context) =>
        {
            var (request, error) = await ReadAsync(context, SandboxJson.Default.TokenLifetimeRequest);
            if (error is not null)
            {
                return error;
            }

            if (request!.Seconds is not (>= 1 and <= 86_400))
            {
                return Bad("seconds must be a whole number from 1 to 86400");
            }

            sandbox.AccessTokenLifetime = TimeSpan.FromSeconds(request.Seconds);
            return Results.NoContent();
        });
    }

    private static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpContext context, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            var value = await context.Request.ReadFromJsonAsync(type, context.RequestAborted);
            return value is null ? (null, Bad("the body must be a JSON object")) : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, Bad($"the body is not valid JSON: {ex.Message}"));
        }
        catch (InvalidOperationException)
        {
            return (null, Bad("the body must be JSON (Content-Type: application/json)"));
        }
    }

    private static IResult Bad(string message) =>
        Results.Json(new OAuthError("invalid_request", message), SandboxJson.Default.OAuthError, statusCode: StatusCodes.Status400BadRequest);
}
