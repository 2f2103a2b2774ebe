using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Tether.LoadDriver;

/// <summary>
/// A minimal MCP server for the proxy comparison, run as its own process: it checks the bearer, answers
/// <c>initialize</c>, and <c>tools/call</c> for <c>echo</c> (an <c>application/json</c> answer) and <c>stream</c> (an
/// event stream of <see cref="StreamedEvents"/> progress notifications, each flushed, then the result). It does as
/// little as possible, so that what a proxy adds is what the comparison sees.
/// </summary>
internal static class BenchUpstream
{
    public const string Token = "bench-token";
    public const int StreamedEvents = 8;

    public static async Task<int> RunAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.AddServerHeader = false;
        });
        await using var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync();
        await ChildServer.AnnounceAndWaitAsync(new Uri(app.Urls.First() + "/mcp"));
        return 0;
    }

    private static async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Headers.Authorization.ToString() != "Bearer " + Token)
        {
            context.Response.StatusCode = 401;
            return;
        }

        using var json = await JsonDocument.ParseAsync(context.Request.Body);
        var root = json.RootElement;
        var method = root.GetProperty("method").GetString();
        if (!root.TryGetProperty("id", out var id))
        {
            context.Response.StatusCode = 202;
            return;
        }

        var idText = id.GetRawText();
        context.Response.Headers["Mcp-Session-Id"] = "bench-session";
        if (method != "tools/call")
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"jsonrpc\":\"2.0\",\"id\":" + idText + ",\"result\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}");
            return;
        }

        var parameters = root.GetProperty("params");
        var message = parameters.GetProperty("arguments").GetProperty("message").GetString();
        var result = "{\"jsonrpc\":\"2.0\",\"id\":" + idText + ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"" + message + "\"}]}}";
        if (parameters.GetProperty("name").GetString() != "stream")
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(result);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        for (var i = 1; i <= StreamedEvents; i++)
        {
            await context.Response.WriteAsync("event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":" + idText
                + ",\"progress\":" + i.ToString(CultureInfo.InvariantCulture) + ",\"total\":" + StreamedEvents.ToString(CultureInfo.InvariantCulture) + "}}\n\n");
            await context.Response.Body.FlushAsync();
        }

        await context.Response.WriteAsync("event: message\ndata: " + result + "\n\n");
    }
}
