using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Tether.Sandbox.Faults;

/// <summary>Writes the answer of one <see cref="TokenEndpointFault"/> (shared by the sandbox and test token endpoints).</summary>
public static class FaultResponder
{
    /// <summary>The size of the <see cref="TokenEndpointFault.Oversized"/> body: well past the 1 MiB cap.</summary>
    public const int OversizedBytes = 4 * 1024 * 1024;

    private const string WafPage =
        "<!DOCTYPE html><html><head><title>403 Forbidden</title></head><body><h1>Access denied</h1>" +
        "<p>The request was blocked by the web application firewall. Reference #18.2f3c.</p></body></html>";

    /// <summary>Answers <paramref name="context"/> as <paramref name="fault"/> dictates.</summary>
    /// <param name="context">The token request.</param>
    /// <param name="fault">The fault to play; <see cref="TokenEndpointFault.None"/> is not one.</param>
    /// <param name="retryAfter">The <c>Retry-After</c> for 429 and 503.</param>
    /// <param name="cancellationToken">Ends a hang.</param>
    public static async Task WriteAsync(HttpContext context, TokenEndpointFault fault, TimeSpan retryAfter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.Response;
        var retryAfterSeconds = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        switch (fault)
        {
            case TokenEndpointFault.WafHtml403:
                await WriteAsync(response, 403, "text/html; charset=utf-8", WafPage, cancellationToken);
                break;
            case TokenEndpointFault.ServerError500:
                await WriteAsync(response, 500, "text/plain", "Internal Server Error", cancellationToken);
                break;
            case TokenEndpointFault.ServiceUnavailable503:
                response.Headers.RetryAfter = retryAfterSeconds;
                await WriteAsync(response, 503, "text/html", "<html><body>Service Unavailable</body></html>", cancellationToken);
                break;
            case TokenEndpointFault.TooManyRequests429:
                response.Headers.RetryAfter = retryAfterSeconds;
                await WriteAsync(response, 429, "application/json", """{"message":"rate limited"}""", cancellationToken);
                break;
            case TokenEndpointFault.InvalidGrant:
                await WriteOAuthErrorAsync(response, 400, "invalid_grant", "The refresh token is no longer valid.", cancellationToken);
                break;
            case TokenEndpointFault.InvalidClient:
                await WriteOAuthErrorAsync(response, 401, "invalid_client", "The client is not known.", cancellationToken);
                break;
            case TokenEndpointFault.TemporarilyUnavailable:
                await WriteOAuthErrorAsync(response, 400, "temporarily_unavailable", "Try again later.", cancellationToken);
                break;
            case TokenEndpointFault.Redirect:
                response.StatusCode = 302;
                response.Headers.Location = "http://127.0.0.1:9/captive-portal/login";
                break;
            case TokenEndpointFault.Hang:
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                context.Abort();
                break;
            case TokenEndpointFault.Reset:
                ResetConnection(context);
                break;
            case TokenEndpointFault.Garbage200:
                await WriteAsync(response, 200, "application/json", "{\"access_token\": <<not json", cancellationToken);
                break;
            case TokenEndpointFault.Oversized:
                await WriteOversizedAsync(response, cancellationToken);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault, "not a fault");
        }
    }

    private static Task WriteOAuthErrorAsync(HttpResponse response, int status, string error, string description, CancellationToken cancellationToken) =>
        WriteAsync(response, status, "application/json", $$"""{"error":"{{error}}","error_description":"{{description}}"}""", cancellationToken);

    private static async Task WriteAsync(HttpResponse response, int status, string contentType, string body, CancellationToken cancellationToken)
    {
        response.StatusCode = status;
        response.ContentType = contentType;
        response.Headers.CacheControl = "no-store";
        await response.WriteAsync(body, Encoding.UTF8, cancellationToken);
    }

    private static async Task WriteOversizedAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        response.StatusCode = 200;
        response.ContentType = "application/json";
        var chunk = Encoding.ASCII.GetBytes(new string(' ', 64 * 1024));
        await response.Body.WriteAsync("{\"padding\":\""u8.ToArray(), cancellationToken);
        try
        {
            for (var written = 0; written < OversizedBytes; written += chunk.Length)
            {
                await response.Body.WriteAsync(chunk, cancellationToken);
            }

            await response.Body.WriteAsync("\",\"access_token\":\"never-read\"}"u8.ToArray(), cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // The client stopped reading at its cap: that is the point of this fault.
        }
    }

    private static void ResetConnection(HttpContext context)
    {
        var reset = context.Features.Get<IHttpResetFeature>();
        if (reset is not null)
        {
            reset.Reset(errorCode: 0);
        }
        else
        {
            context.Abort();
        }
    }
}
