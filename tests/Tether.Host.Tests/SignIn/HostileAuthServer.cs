using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Tether.Tests.SignIn;

/// <summary>
/// An MCP server and its authorization server on real Kestrel that lie or flood where told to: the protected resource
/// metadata's <c>resource</c>, a registration answer or a token answer that never ends. Counts what it managed to send.
/// </summary>
internal sealed class HostileAuthServer : IAsyncDisposable
{
    /// <summary>How much a flooding endpoint sends at most (the test fails long before, if it reads it all).</summary>
    public const long FloodBytes = 256L * 1024 * 1024;

    private readonly WebApplication _app;
    private long _flooded;

    private HostileAuthServer(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public Uri McpUrl => new(BaseUrl, "mcp");

    /// <summary>The <c>resource</c> the metadata names; the MCP URL unless set.</summary>
    public string? Resource { get; set; }

    public bool FloodRegistration { get; set; }

    public bool FloodToken { get; set; }

    /// <summary>Bytes a flooding endpoint wrote before the client stopped reading.</summary>
    public long Flooded => Interlocked.Read(ref _flooded);

    /// <summary>Completes when a flooding endpoint has stopped writing (the client went away, or all was sent).</summary>
    public TaskCompletionSource FloodEnded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<HostileAuthServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new HostileAuthServer(app);
        app.MapPost("/mcp", context =>
        {
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate = $"Bearer resource_metadata=\"{new Uri(server.BaseUrl, ".well-known/oauth-protected-resource/mcp")}\"";
            return Task.CompletedTask;
        });
        app.MapGet("/.well-known/oauth-protected-resource/mcp", () => Results.Json(new Dictionary<string, object>
        {
            ["resource"] = server.Resource ?? server.McpUrl.AbsoluteUri,
            ["authorization_servers"] = new[] { server.BaseUrl.AbsoluteUri.TrimEnd('/') },
        }));
        app.MapGet("/.well-known/oauth-authorization-server", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = server.BaseUrl.AbsoluteUri.TrimEnd('/'),
            ["authorization_endpoint"] = new Uri(server.BaseUrl, "authorize").AbsoluteUri,
            ["token_endpoint"] = new Uri(server.BaseUrl, "token").AbsoluteUri,
            ["registration_endpoint"] = new Uri(server.BaseUrl, "register").AbsoluteUri,
            ["code_challenge_methods_supported"] = new[] { "S256" },
            ["response_types_supported"] = new[] { "code" },
        }));
        app.MapPost("/register", context => server.FloodRegistration
            ? server.FloodAsync(context)
            : context.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["client_id"] = "hostile-client" }));
        app.MapPost("/token", context => server.FloodToken
            ? server.FloodAsync(context)
            : context.Response.WriteAsJsonAsync(new Dictionary<string, object> { ["access_token"] = "at", ["token_type"] = "Bearer", ["expires_in"] = 3600 }));
        await app.StartAsync();
        server.BaseUrl = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>A JSON string that never closes, without a length, until the client stops reading.</summary>
    private async Task FloodAsync(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'a');
        try
        {
            await context.Response.Body.WriteAsync("{\"client_id\":\""u8.ToArray(), context.RequestAborted);
            while (Flooded < FloodBytes)
            {
                // Kestrel drops writes to a connection the client closed without failing them: its pipe says so.
                var flushed = await context.Response.BodyWriter.WriteAsync(chunk, context.RequestAborted);
                if (flushed.IsCompleted || flushed.IsCanceled || context.RequestAborted.IsCancellationRequested)
                {
                    break;
                }

                Interlocked.Add(ref _flooded, chunk.Length);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
        }
        finally
        {
            FloodEnded.TrySetResult();
        }
    }
}
