using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using ModelContextProtocol.Protocol;

namespace Tether.Cli;

/// <summary>
/// Keeps the JSON-RPC error of every failed answer from the local endpoint (its 503 with <c>Retry-After</c>, the
/// workload's reason and fix), keyed by the request id the body echoes: the MCP client transport turns a non-2xx
/// answer into an exception and drops the body, and the bridge owes the stdio client that error on that id.
/// </summary>
internal sealed class JsonRpcFailureCapture : DelegatingHandler
{
    private const int MaxBody = 64 * 1024;
    private readonly ConcurrentDictionary<string, JsonRpcErrorDetail> _failures = new(StringComparer.Ordinal);

    public JsonRpcFailureCapture(HttpMessageHandler inner) : base(inner)
    {
    }

    /// <summary>Takes the error the endpoint answered for <paramref name="id"/>, if it did.</summary>
    public JsonRpcErrorDetail? Take(RequestId id) => _failures.TryRemove(Key(id), out var detail) ? detail : null;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode || response.Content.Headers.ContentType?.MediaType != "application/json"
            || response.Content.Headers.ContentLength is not (> 0 and <= MaxBody))
        {
            return response;
        }

        // Buffered, so that the transport can still read the body after this.
        await response.Content.LoadIntoBufferAsync(MaxBody, cancellationToken);
        try
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
            var root = json.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String
                && (Key(root, "id") ?? await RequestKeyAsync(request, cancellationToken)) is { } key)
            {
                var code = error.TryGetProperty("code", out var c) && c.TryGetInt32(out var n) ? n : StdioErrors.Unavailable;
                _failures[key] = new JsonRpcErrorDetail { Code = code, Message = WithRetryAfter(message.GetString()!, response.Headers.RetryAfter) };
            }
        }
        catch (JsonException)
        {
        }

        return response;
    }

    private static string WithRetryAfter(string message, RetryConditionHeaderValue? retryAfter) =>
        retryAfter?.Delta is { } delta && !message.Contains("retry", StringComparison.OrdinalIgnoreCase)
            ? $"{message} (retry after {delta.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)}s)"
            : message;

    private static string Key(RequestId id) => id.Id switch
    {
        string s => "s:" + s,
        long l => "n:" + l.ToString(CultureInfo.InvariantCulture),
        var other => "?:" + other,
    };

    /// <summary>The id of the request itself, when the answer does not echo it (the endpoint reads it only from a body of known length).</summary>
    private static async Task<string?> RequestKeyAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is null)
        {
            return null;
        }

        using var json = JsonDocument.Parse(await request.Content.ReadAsByteArrayAsync(cancellationToken));
        return json.RootElement.ValueKind == JsonValueKind.Object ? Key(json.RootElement, "id") : null;
    }

    private static string? Key(JsonElement message, string property) =>
        message.TryGetProperty(property, out var id) ? Key(id) : null;

    private static string? Key(JsonElement id) => id.ValueKind switch
    {
        JsonValueKind.String => "s:" + id.GetString(),
        JsonValueKind.Number when id.TryGetInt64(out var l) => "n:" + l.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };
}
