using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Tether.Api;

/// <summary>
/// Lets only the user's own CLI in: the key from the user-only <c>host.json</c> (other local users cannot read it),
/// no browser <c>Origin</c> (web pages), and a loopback <c>Host</c> (DNS rebinding).
/// </summary>
internal sealed class ApiAccessFilter(string apiKey)
{
    /// <summary>The API's port, known once Kestrel listens; nothing is served before.</summary>
    public int Port { get; set; }

    private readonly byte[] _expected = Encoding.UTF8.GetBytes("Bearer " + apiKey);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (request.Headers.Origin.Count > 0 || request.Headers["Sec-Fetch-Site"].Count > 0)
        {
            await DenyAsync(context, StatusCodes.Status403Forbidden, "requests from web pages are refused");
            return;
        }

        if (!IsLoopbackHost(request.Host))
        {
            await DenyAsync(context, StatusCodes.Status421MisdirectedRequest, "unexpected Host header");
            return;
        }

        var presented = Encoding.UTF8.GetBytes(request.Headers.Authorization.ToString());
        if (!CryptographicOperations.FixedTimeEquals(presented, _expected))
        {
            await DenyAsync(context, StatusCodes.Status401Unauthorized, "missing or wrong API key (it is in TETHER_HOME/host.json)");
            return;
        }

        await next(context);
    }

    private bool IsLoopbackHost(HostString host) =>
        host.Port == Port && host.Host is "127.0.0.1" or "localhost" or "[::1]";

    private static Task DenyAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ApiError("forbidden", message), ApiJson.Default.ApiError);
    }
}
