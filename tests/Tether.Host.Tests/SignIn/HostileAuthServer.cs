using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Tether.Tests.SignIn;

/// <summary>
/// An MCP server and its authorization server on real Kestrel that lie or flood where told to: the protected resource
/// metadata's <c>resource</c>, or registration and token endpoints that flood (a <see cref="FloodListener"/>).
/// </summary>
internal sealed class HostileAuthServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HostileAuthServer(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public Uri McpUrl => new(BaseUrl, "mcp");

    /// <summary>The <c>resource</c> the metadata names; the MCP URL unless set.</summary>
    public string? Resource { get; set; }

    /// <summary>Where the metadata sends registration requests, when set (a <see cref="FloodListener"/>).</summary>
    public Uri? RegistrationEndpoint { get; set; }

    /// <summary>Where the metadata sends token requests, when set (a <see cref="FloodListener"/>).</summary>
    public Uri? TokenEndpoint { get; set; }

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
            ["token_endpoint"] = (server.TokenEndpoint ?? new Uri(server.BaseUrl, "token")).AbsoluteUri,
            ["registration_endpoint"] = (server.RegistrationEndpoint ?? new Uri(server.BaseUrl, "register")).AbsoluteUri,
            ["code_challenge_methods_supported"] = new[] { "S256" },
            ["response_types_supported"] = new[] { "code" },
        }));
        app.MapPost("/register", () => Results.Json(new Dictionary<string, string> { ["client_id"] = "hostile-client" }));
        app.MapPost("/token", () => Results.Json(new Dictionary<string, object> { ["access_token"] = "at", ["token_type"] = "Bearer", ["expires_in"] = 3600 }));
        await app.StartAsync();
        server.BaseUrl = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
