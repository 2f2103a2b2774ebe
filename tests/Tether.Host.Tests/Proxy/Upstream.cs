using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Tether.Tests.Proxy;

/// <summary>An upstream MCP-like server on real Kestrel that records what reached it.</summary>
internal sealed class Upstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    private Upstream(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public ConcurrentQueue<IHeaderDictionary> Seen { get; } = new();

    public HashSet<string> RejectedTokens { get; } = ["at-1"];

    public TaskCompletionSource ReleaseStream { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<Upstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var upstream = new Upstream(app);
        app.Use(async (context, next) =>
        {
            upstream.Seen.Enqueue(new HeaderDictionary(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value)));
            await next(context);
        });
        app.MapPost("/mcp", async context =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            context.Response.Headers["Mcp-Session-Id"] = "session-9";
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(body);
        });
        app.MapDelete("/mcp", context =>
        {
            context.Response.StatusCode = 202;
            return Task.CompletedTask;
        });
        app.MapPost("/message", (string sessionId) => Results.Text("accepted " + sessionId, statusCode: 202));
        app.MapPost("/status/{code:int}", (int code) => Results.StatusCode(code));
        app.MapPost("/guarded", async context =>
        {
            var token = context.Request.Headers.Authorization.ToString()["Bearer ".Length..];
            if (upstream.RejectedTokens.Contains(token))
            {
                context.Response.StatusCode = 401;
                await context.Response.WriteAsync("expired");
                return;
            }

            await context.Response.WriteAsync("ok " + await new StreamReader(context.Request.Body).ReadToEndAsync());
        });
        app.MapMethods("/guarded", ["GET", "DELETE"], async context =>
        {
            var token = context.Request.Headers.Authorization.ToString()["Bearer ".Length..];
            context.Response.StatusCode = upstream.RejectedTokens.Contains(token) ? 401 : 200;
            await context.Response.WriteAsync($"{context.Request.Method} {(context.Response.StatusCode == 200 ? "ok" : "expired")}");
        });
        app.MapPost("/scoped", context =>
        {
            context.Response.StatusCode = 403;
            context.Response.Headers.WWWAuthenticate = """Bearer error="insufficient_scope", scope="files:read files:write", resource_metadata="http://127.0.0.1/.well-known/oauth-protected-resource", error_description="needs write access" """.TrimEnd();
            return Task.CompletedTask;
        });
        app.MapGet("/sse", async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: first\n\n");
            await context.Response.Body.FlushAsync();
            await upstream.ReleaseStream.Task.WaitAsync(TimeSpan.FromSeconds(20));
            await context.Response.WriteAsync("data: second\n\n");
        });
        app.MapGet("/legacy-sse", async (HttpContext context, bool? absolute, bool? hold) =>
        {
            context.Response.ContentType = "text/event-stream";
            var endpoint = absolute == false ? "/message?sessionId=abc" : $"{upstream.BaseUrl}message?sessionId=abc";
            await context.Response.WriteAsync($": hello\n\nevent: endpoint\ndata: {endpoint}\n\n");
            await context.Response.Body.FlushAsync();
            if (hold == true)
            {
                await upstream.ReleaseStream.Task.WaitAsync(TimeSpan.FromSeconds(20));
            }

            await context.Response.WriteAsync($"event: message\ndata: {upstream.BaseUrl}untouched\n\n");
        });
        app.MapGet("/quiet-sse", async (HttpContext context, int seconds) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: hello\n\n");
            await context.Response.Body.FlushAsync();
            await Task.Delay(TimeSpan.FromSeconds(seconds), context.RequestAborted);
            await context.Response.WriteAsync("data: still here\n\n");
        });
        app.MapGet("/redirect", () => Results.Redirect("http://127.0.0.1:9/elsewhere"));
        await app.StartAsync();
        upstream.BaseUrl = new Uri(app.Urls.First() + "/");
        return upstream;
    }

    public async ValueTask DisposeAsync()
    {
        ReleaseStream.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
