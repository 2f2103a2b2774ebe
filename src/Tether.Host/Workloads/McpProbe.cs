using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Tether.Configuration;
using Tether.Hosting;
using Tether.SignIn;

namespace Tether.Workloads;

/// <summary>
/// Checks that a URL answers like an MCP server before a workload is reported <c>running</c>: an <c>initialize</c>
/// answer (a JSON-RPC message or an event stream) or a 401 challenge. A typo'd path (404 HTML) or a plain web server
/// (501) is an error naming what came back.
/// </summary>
internal sealed class McpProbe(HttpClient http, TimeProvider time, TimeSpan answerWait)
{
    private const int MaxBodyBytes = 64 * 1024;

    private const string Initialize =
        """{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"tether","version":"1"}}}""";

    /// <summary>Sends the check: <c>initialize</c> by POST for streamable HTTP, a GET for an event stream for legacy SSE.</summary>
    public async Task<McpProbeResult> CheckAsync(
        Uri url, string transport, string? bearerToken, IReadOnlyList<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        var sse = transport == "sse";
        using var request = new HttpRequestMessage(sse ? HttpMethod.Get : HttpMethod.Post, url);
        if (!sse)
        {
            request.Content = new StringContent(Initialize, Encoding.UTF8, "application/json");
        }

        request.Headers.Accept.ParseAdd(sse ? "text/event-stream" : "application/json, text/event-stream");
        AddCredentials(request, bearerToken, headers);
        using var timeout = new CancellationTokenSource(answerWait, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var result = await ClassifyAsync(url, response, linked.Token);
            if (result.Kind == McpProbeKind.Mcp && response.Headers.TryGetValues("Mcp-Session-Id", out var sessions))
            {
                await EndSessionAsync(url, sessions.First(), bearerToken, headers, linked.Token);
            }

            return result;
        }
        catch (HttpRequestException ex)
        {
            return new McpProbeResult(McpProbeKind.Unreachable, Problem: $"cannot reach {url}: {ex.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new McpProbeResult(McpProbeKind.Unreachable, Problem: $"{url} did not answer within {DurationParser.Format(answerWait)} ({HostSettings.ServerAnswerWaitVariable} sets this limit)");
        }
    }

    private static async Task<McpProbeResult> ClassifyAsync(Uri url, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            return new McpProbeResult(McpProbeKind.Challenge, AuthChallenge.Parse(response.Headers.WwwAuthenticate.Select(h => h.ToString())) ?? new AuthChallenge(null, null, null));
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (response.IsSuccessStatusCode && mediaType == "text/event-stream")
        {
            // An event stream is MCP's answer; it may never end, so its body is not read.
            return new McpProbeResult(McpProbeKind.Mcp);
        }

        if (mediaType is not null && mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase) && await IsJsonRpcAsync(response.Content, cancellationToken))
        {
            // A JSON-RPC answer, even an error one (a server refusing our protocol version), is a server speaking MCP.
            return new McpProbeResult(McpProbeKind.Mcp);
        }

        var status = (int)response.StatusCode;
        var what = string.Create(CultureInfo.InvariantCulture, $"http {status} {response.ReasonPhrase}").TrimEnd();
        var body = mediaType ?? (response.Content.Headers.ContentLength is 0 or null ? "no body" : "an untyped body");
        return new McpProbeResult(McpProbeKind.NotMcp, Problem: $"{url} does not answer like an MCP server ({what}, {body}); check the URL");
    }

    private static async Task<bool> IsJsonRpcAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is > MaxBodyBytes)
        {
            return false;
        }

        var buffer = new byte[MaxBodyBytes];
        var length = 0;
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        while (length < buffer.Length && await stream.ReadAsync(buffer.AsMemory(length), cancellationToken) is var read and > 0)
        {
            length += read;
        }

        try
        {
            using var json = JsonDocument.Parse(new ReadOnlyMemory<byte>(buffer, 0, length));
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("jsonrpc", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Ends the session the check opened, so that the server does not keep it; a failure here changes nothing.</summary>
    private async Task EndSessionAsync(Uri url, string session, string? bearerToken, IReadOnlyList<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, url);
        request.Headers.TryAddWithoutValidation("Mcp-Session-Id", session);
        AddCredentials(request, bearerToken, headers);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException)
        {
        }
    }

    private static void AddCredentials(HttpRequestMessage request, string? bearerToken, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (bearerToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }
    }
}
