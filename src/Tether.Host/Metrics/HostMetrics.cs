using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using Tether.Tokens;

namespace Tether.Metrics;

/// <summary>
/// <c>/metrics</c> in Prometheus text through OpenTelemetry's exporter: behind the host key on the API port, and
/// without a key on the loopback port the user names (<c>tether serve --metrics-port N</c>) for a local Prometheus.
/// </summary>
internal static class HostMetrics
{
    public const string Path = "/metrics";

    public static void AddTo(WebApplicationBuilder builder, int? metricsPort)
    {
        builder.Services.AddSingleton<WorkloadMetrics>();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(TokenMetrics.MeterName, ProxyMetrics.MeterName, WorkloadMetrics.MeterName)
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        if (metricsPort is { } port)
        {
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        }
    }

    /// <summary>
    /// Serves the metrics port (before the API's gate: nothing but <c>/metrics</c> answers there), and <c>/metrics</c>
    /// on the API port, where the gate asks for the key.
    /// </summary>
    public static void Map(WebApplication app, int? metricsPort)
    {
        if (metricsPort is { } port)
        {
            app.MapWhen(context => context.Connection.LocalPort == port, branch =>
            {
                branch.Use(async (context, next) =>
                {
                    // DNS rebinding: a page served from another name must not read this through 127.0.0.1.
                    if (context.Request.Host.Host is not ("127.0.0.1" or "localhost" or "[::1]") || context.Request.Headers.Origin.Count > 0)
                    {
                        context.Response.StatusCode = StatusCodes.Status403Forbidden;
                        return;
                    }

                    await next(context);
                });
                branch.UseOpenTelemetryPrometheusScrapingEndpoint(Path);
                branch.Run(context =>
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                });
            });
        }

        app.MapPrometheusScrapingEndpoint(Path);
    }
}
