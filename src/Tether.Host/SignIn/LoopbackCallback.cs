using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Tether.SignIn;

/// <summary>
/// The sign-in callback on 127.0.0.1: takes the first redirect whose <c>state</c> matches; any other request gets an
/// error page and is ignored, so that the wait goes on.
/// </summary>
internal sealed class LoopbackCallback : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TaskCompletionSource<IQueryCollection> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _state;

    private LoopbackCallback(WebApplication app, string state, int port)
    {
        _app = app;
        _state = state;
        Port = port;
    }

    public int Port { get; }

    public Uri RedirectUri => new($"http://127.0.0.1:{Port}/callback");

    public Task<IQueryCollection> Result => _result.Task;

    /// <summary>Listens on <paramref name="port"/> (0: a free one).</summary>
    /// <exception cref="SignInException">The port is taken.</exception>
    public static async Task<LoopbackCallback> StartAsync(int port, string state, CancellationToken cancellationToken)
    {
        if (port == 0)
        {
            port = Tether.Hosting.LoopbackPorts.Free();
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var callback = new LoopbackCallback(app, state, port);
        app.Run(callback.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync();
            throw new SignInException($"the sign-in callback port {port} on 127.0.0.1 is in use; free it or pass another --callback-port", ex);
        }

        return callback;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var query = context.Request.Query;
        if (context.Request.Path != "/callback" || !string.Equals(query["state"], _state, StringComparison.Ordinal))
        {
            // A stray or forged request (wrong state): answer it and keep waiting for the real one.
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("This is not the sign-in Tether is waiting for. Return to the terminal.");
            return;
        }

        context.Response.ContentType = "text/html; charset=utf-8";
        var failed = query.ContainsKey("error");
        await context.Response.WriteAsync(failed
            ? "<html><body><h1>Sign-in failed</h1><p>Return to the terminal to see why.</p></body></html>"
            : "<html><body><h1>Signed in</h1><p>You can close this window and return to the terminal.</p></body></html>");
        _result.TrySetResult(query);
    }
}
