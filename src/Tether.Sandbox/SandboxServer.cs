using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tether.Sandbox.Authorization;
using Tether.Sandbox.Control;
using Tether.Sandbox.Faults;
using Tether.Sandbox.Mcp;

namespace Tether.Sandbox;

/// <summary>
/// An OAuth 2.1 authorization server (OpenIddict) and an OAuth-protected MCP server (MCP C# SDK) on one loopback
/// Kestrel, with fault injection on the token endpoint. Used by the tests, <c>tether demo</c> and <c>tether sandbox</c>.
/// </summary>
public sealed partial class SandboxServer : IAsyncDisposable
{
    /// <summary>The scopes the MCP server asks for.</summary>
    public const string Scope = "mcp:tools offline_access";

    private readonly System.Security.Cryptography.ECDsa _signingKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
    private WebApplication _app = null!;
    private long _accessTokenLifetimeTicks;

    private SandboxServer(SandboxOptions options, Uri baseUri)
    {
        Options = options;
        Issuer = baseUri;
        McpUrl = new Uri(baseUri, "mcp");
        SseUrl = new Uri(baseUri, "mcp/sse");
        ControlUrl = new Uri(baseUri, "control");
        ResourceMetadataUrl = new Uri(baseUri, ".well-known/oauth-protected-resource/mcp");
        OtherResource = new Uri(baseUri, "other-resource");
        Faults = new SandboxFaults(options.TimeProvider);
        AccessTokenLifetime = options.AccessTokenLifetime;
    }

    /// <summary>The authorization server's issuer (also the base of every URL here).</summary>
    public Uri Issuer { get; }

    /// <summary>The MCP server, streamable HTTP.</summary>
    public Uri McpUrl { get; }

    /// <summary>The MCP server, legacy SSE transport.</summary>
    public Uri SseUrl { get; }

    /// <summary>The control endpoint (faults, revocation, lifetime, counters).</summary>
    public Uri ControlUrl { get; }

    /// <summary>The RFC 9728 metadata URL named in the MCP server's challenge.</summary>
    public Uri ResourceMetadataUrl { get; }

    /// <summary>A resource this authorization server issues tokens for but the MCP server does not accept.</summary>
    public Uri OtherResource { get; }

    /// <summary>The token endpoint's fault switch.</summary>
    public SandboxFaults Faults { get; }

    /// <summary>Requests seen.</summary>
    public SandboxCounters Counters { get; } = new();

    /// <summary>How long access tokens issued from now on live.</summary>
    public TimeSpan AccessTokenLifetime
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _accessTokenLifetimeTicks));
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.FromSeconds(1));
            Interlocked.Exchange(ref _accessTokenLifetimeTicks, value.Ticks);
        }
    }

    internal SandboxOptions Options { get; }

    internal ClientRegistry Clients { get; } = new();

    internal TokenLedger Ledger { get; } = new();

    internal ClientMetadataDocuments Documents { get; } = new();

    /// <summary>Starts the sandbox on 127.0.0.1.</summary>
    public static async Task<SandboxServer> StartAsync(SandboxOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var port = options.Port != 0 ? options.Port : FreePort();
        var sandbox = new SandboxServer(options, new Uri($"http://127.0.0.1:{port}/"));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Services.AddSingleton(options.TimeProvider);
        ConfigureOpenIddict(builder.Services, sandbox);
        builder.Services.AddMcpServer(o => o.ServerInfo = new() { Name = "tether-sandbox", Version = "1.0" })
            .WithHttpTransport(o =>
            {
                // The sandbox serves trusted local test clients; the legacy transport is there to test Tether's SSE support.
#pragma warning disable MCP9004
                o.Stateless = false;
                o.EnableLegacySse = true;
#pragma warning restore MCP9004
            })
            .WithTools((IEnumerable<Type>)[typeof(SandboxTools)]);

        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/token", StringComparison.Ordinal))
            {
                sandbox.Counters.CountToken();
                if (sandbox.Faults.TryTake(out var fault, out var retryAfter))
                {
                    await FaultResponder.WriteAsync(context, fault, retryAfter, context.RequestAborted);
                    return;
                }
            }

            await next(context);
        });
        app.UseAuthentication();
        app.Use(new McpGate(sandbox).InvokeAsync);
        AuthorizationEndpoints.Map(app, sandbox);
        ControlEndpoints.Map(app, sandbox);
        app.MapGet("/.well-known/oauth-protected-resource/mcp", sandbox.ResourceMetadata);
        app.MapGet("/.well-known/oauth-protected-resource", sandbox.ResourceMetadata);
        app.MapMcp("/mcp");
        sandbox._app = app;
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync();
            throw new InvalidOperationException($"the sandbox cannot listen on 127.0.0.1:{port}: {ex.Message}", ex);
        }

        return sandbox;
    }

    /// <summary>Registers a client ahead of time (a pre-registered, confidential or public, client).</summary>
    public SandboxClient RegisterClient(string clientId, string? secret, IEnumerable<Uri> redirectUris) =>
        Clients.Register(clientId, secret, redirectUris);

    /// <summary>Every bearer token the MCP server accepted (tests scan stores and logs for them).</summary>
    public IReadOnlyCollection<string> AcceptedBearerTokens => _bearers.Keys.ToArray();

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _bearers = new(StringComparer.Ordinal);

    /// <summary>
    /// Every authorization code, PKCE verifier, <c>state</c> and refresh token that passed through the authorization
    /// server (tests scan stores and logs for them).
    /// </summary>
    public IReadOnlyCollection<string> SignInSecrets => _signInSecrets.Keys.ToArray();

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _signInSecrets = new(StringComparer.Ordinal);

    internal void RecordSignInSecret(string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            _signInSecrets.TryAdd(value, 0);
        }
    }

    internal void RecordBearer(string authorization)
    {
        if (authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            _bearers.TryAdd(authorization["Bearer ".Length..], 0);
        }
    }

    /// <summary>Revokes every grant: refresh tokens get <c>invalid_grant</c>, access tokens 401 at the MCP server.</summary>
    public void RevokeAllTokens() => Ledger.RevokeAll();

    /// <summary>URLs and example control commands, for <c>tether sandbox</c>.</summary>
    public string DescribeText() =>
        $$"""
        Tether sandbox: an OAuth authorization server and an OAuth-protected MCP server on 127.0.0.1.
          issuer (authorization server)  {{Issuer}}
          MCP server (streamable HTTP)   {{McpUrl}}
          MCP server (legacy SSE)        {{SseUrl}}
          control                        {{ControlUrl}}
          access tokens live             {{AccessTokenLifetime.TotalSeconds:0}}s

        Try it:          tether run {{McpUrl}}
        Break refresh:   curl -X POST {{ControlUrl}}/faults -H 'Content-Type: application/json' -d '{"fault":"waf-403","duration":"60s"}'
        Faults:          {{string.Join(", ", TokenEndpointFaultNames.All.Skip(1))}} (with "count", "duration", "retry_after")
        Heal:            curl -X DELETE {{ControlUrl}}/faults
        Revoke grants:   curl -X POST {{ControlUrl}}/revoke
        Counters:        curl {{ControlUrl}}/counters
        Ctrl-C stops the sandbox.
        """;

    /// <summary>One JSON line: issuer, MCP URL and control URL.</summary>
    public string DescribeJson() =>
        JsonSerializer.Serialize(new SandboxDescription(Issuer.AbsoluteUri, McpUrl.AbsoluteUri, ControlUrl.AbsoluteUri), SandboxJson.Default.SandboxDescription);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        Documents.Dispose();
        _signingKey.Dispose();
    }

    private IResult ResourceMetadata() => Results.Json(
        new ProtectedResourceMetadata(McpUrl.AbsoluteUri, [Issuer.AbsoluteUri], Scope.Split(' '), ["header"], "Tether sandbox MCP server"),
        SandboxJson.Default.ProtectedResourceMetadata);

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
