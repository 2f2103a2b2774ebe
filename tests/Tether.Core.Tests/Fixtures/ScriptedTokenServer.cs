using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tether.Sandbox.Faults;

namespace Tether.Tests.Fixtures;

/// <summary>
/// An OAuth token endpoint on real Kestrel at 127.0.0.1:0 whose behaviour a test switches at run time: success with a
/// chosen <c>expires_in</c>, or any <see cref="TokenEndpointFault"/>. Refresh tokens rotate; a spent one is refused
/// with <c>invalid_grant</c>. Counts requests and remembers every token it issued (for log scans).
/// </summary>
public sealed class ScriptedTokenServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, bool> _refreshTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<string> _issued = [];
    private int _requests;
    private int _serial;
    private readonly ConcurrentQueue<IReadOnlyList<string>> _parameters = new();
    private volatile Behaviour _behaviour = new(TokenEndpointFault.None, 3600, TimeSpan.FromSeconds(5));
    private volatile Func<IFormCollection, (int Status, string Json)?>? _quirk;

    private ScriptedTokenServer(WebApplication app) => _app = app;

    public Uri TokenEndpoint { get; private set; } = null!;

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Every access and refresh token this server issued.</summary>
    public IReadOnlyCollection<string> IssuedTokens => _issued.ToArray();

    public static async Task<ScriptedTokenServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new ScriptedTokenServer(app);
        app.MapPost("/token", server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        server.TokenEndpoint = new Uri(address + "/token");
        return server;
    }

    /// <summary>Issues a first token pair, as a sign-in would.</summary>
    public (string AccessToken, string RefreshToken) Issue() => (NewToken("at"), NewRefreshToken());

    /// <summary>The names of the form parameters of every request that got past a fault, oldest first.</summary>
    public IReadOnlyList<IReadOnlyList<string>> RequestParameters => _parameters.ToArray();

    /// <summary>
    /// Answers the way a given provider does: <paramref name="quirk"/> sees each request's form and returns the status
    /// and JSON body to send, or <see langword="null"/> to answer normally.
    /// </summary>
    public void Quirk(Func<IFormCollection, (int Status, string Json)?>? quirk) => _quirk = quirk;

    public void Succeed(int expiresIn = 3600) => _behaviour = new(TokenEndpointFault.None, expiresIn, TimeSpan.FromSeconds(5));

    public void Fail(TokenEndpointFault fault, TimeSpan? retryAfter = null) => _behaviour = new(fault, 3600, retryAfter ?? TimeSpan.FromSeconds(5));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var behaviour = _behaviour;
        if (behaviour.Fault != TokenEndpointFault.None)
        {
            await FaultResponder.WriteAsync(context, behaviour.Fault, behaviour.RetryAfter, context.RequestAborted);
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        _parameters.Enqueue(form.Keys.ToArray());
        if (_quirk?.Invoke(form) is { } quirk)
        {
            context.Response.StatusCode = quirk.Status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(quirk.Json, context.RequestAborted);
            return;
        }

        var presented = form["refresh_token"].ToString();
        if (form["grant_type"] != "refresh_token" || !_refreshTokens.TryUpdate(presented, false, true))
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsJsonAsync(new { error = "invalid_grant", error_description = "refresh token unknown or already used" });
            return;
        }

        await context.Response.WriteAsJsonAsync(new
        {
            access_token = NewToken("at"),
            token_type = "Bearer",
            expires_in = behaviour.ExpiresIn,
            refresh_token = NewRefreshToken(),
        });
    }

    private string NewRefreshToken()
    {
        var token = NewToken("rt");
        _refreshTokens[token] = true;
        return token;
    }

    private string NewToken(string kind)
    {
        var token = $"{kind}-{Interlocked.Increment(ref _serial)}-{Guid.NewGuid():N}";
        _issued.Add(token);
        return token;
    }

    private sealed record Behaviour(TokenEndpointFault Fault, int ExpiresIn, TimeSpan RetryAfter);
}
