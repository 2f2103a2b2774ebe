using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tether.Tokens;

namespace Tether.Proxy;

/// <summary>
/// The local endpoint's own answers: 503 with <c>Retry-After</c> and a JSON-RPC error (never 401: MCP clients would
/// start OAuth against the local endpoint).
/// </summary>
internal static class ProxyAnswers
{
    /// <summary>The JSON-RPC error code for "the server is not available for now".</summary>
    public const int JsonRpcUnavailable = -32001;

    public static Task WriteTokenAnswerAsync(HttpContext context, TokenAnswer answer, string workload) => answer.Kind switch
    {
        TokenAnswerKind.Unauthenticated => WriteAsync(context, StatusCodes.Status503ServiceUnavailable, null, NamingReauth(answer.Reason, workload)),
        TokenAnswerKind.Failed => WriteAsync(context, StatusCodes.Status503ServiceUnavailable, null, answer.Reason ?? $"{workload} is in error: 'tether status {workload}' says why"),
        TokenAnswerKind.Retrying => WriteAsync(context, StatusCodes.Status503ServiceUnavailable, answer.RetryAfterSeconds,
            $"{workload} is retrying authentication ({answer.Reason}); retry in {answer.RetryAfterSeconds}s"),
        _ => WriteAsync(context, StatusCodes.Status503ServiceUnavailable, Math.Max(1, answer.RetryAfterSeconds), $"{workload} is not ready: {answer.Reason}"),
    };

    /// <summary>Every "needs sign-in" answer names the command that fixes it, whatever the reason (the ceiling's included).</summary>
    private static string NamingReauth(string? reason, string workload)
    {
        var command = $"tether reauth {workload}";
        var message = reason ?? $"{workload} needs a new sign-in";
        return message.Contains(command, StringComparison.Ordinal) ? message : $"{message}: run '{command}'";
    }

    public static async Task WriteAsync(HttpContext context, int status, int? retryAfterSeconds, string message)
    {
        var id = await RequestIdAsync(context);
        context.Response.StatusCode = status;
        if (retryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = Math.Clamp(seconds, 1, 600).ToString(CultureInfo.InvariantCulture);
        }

        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.Body, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        writer.WriteStartObject();
        writer.WriteString("jsonrpc", "2.0");
        writer.WritePropertyName("id");
        if (id.ValueKind is JsonValueKind.String or JsonValueKind.Number)
        {
            id.WriteTo(writer);
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WriteStartObject("error");
        writer.WriteNumber("code", JsonRpcUnavailable);
        writer.WriteString("message", message);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>The largest request body read for its JSON-RPC <c>id</c>.</summary>
    private const int MaxIdBody = 64 * 1024;

    /// <summary>How long a body still arriving is waited for before answering without its id.</summary>
    private static readonly TimeSpan IdReadTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The JSON-RPC <c>id</c> of a small POST body, when it has one: of a known length up to <see cref="MaxIdBody"/>, or
    /// sent in chunks and ending within it (a larger one is left unread and answered with a null id).
    /// </summary>
    private static async Task<JsonElement> RequestIdAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method) || request.ContentLength is 0 or > MaxIdBody
            || (request.ContentLength is null && request.Headers.TransferEncoding.Count == 0))
        {
            return default;
        }

        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(MaxIdBody + 1);
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        reading.CancelAfter(IdReadTimeout);
        try
        {
            if (request.Body.CanSeek)
            {
                request.Body.Position = 0;
            }

            var length = 0;
            int read;
            while (length <= MaxIdBody && (read = await request.Body.ReadAsync(buffer.AsMemory(length, MaxIdBody + 1 - length), reading.Token)) > 0)
            {
                length += read;
            }

            if (length is 0 or > MaxIdBody)
            {
                return default;
            }

            using var json = JsonDocument.Parse(buffer.AsMemory(0, length));
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("id", out var id) ? id.Clone() : default;
        }
        catch (Exception ex) when (ex is JsonException or IOException or BadHttpRequestException or InvalidOperationException
            || (ex is OperationCanceledException && !context.RequestAborted.IsCancellationRequested))
        {
            // Not JSON, a body already read by the forwarder or cut short, or one still not sent after the wait: the
            // answer carries a null id.
            return default;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
