using System.Net;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Tether.Proxy;

/// <summary>
/// Per request: drops the client's <c>Authorization</c>, adds Tether's bearer and the extra headers, sends the request
/// to <paramref name="destination"/> (built by the endpoint from the remote's origin, never from the request target),
/// holds back an upstream 401 so that the request can be retried, and points a legacy SSE
/// stream's endpoint event at the local endpoint.
/// </summary>
internal sealed class BearerTransformer(Uri destination, Uri remoteOrigin, Uri localOrigin, string? authorization, IReadOnlyList<KeyValuePair<string, string>> headers, bool holdBack401, Action<Uri>? announced) : HttpTransformer
{
    /// <summary>Whether the upstream answered 401 and the answer was held back.</summary>
    public bool Rejected { get; private set; }

    /// <summary>The scopes of a step-up challenge (403 <c>insufficient_scope</c>) that was held back, if any.</summary>
    public IReadOnlyList<string>? StepUpScopes { get; private set; }

    /// <summary>For an event stream opened with GET (the legacy SSE transport): the rewriter of its endpoint event.</summary>
    public SseEndpointRewriter? EndpointRewriter { get; private set; }

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        proxyRequest.RequestUri = destination;
        proxyRequest.Headers.Host = null;
        proxyRequest.Headers.Remove("Authorization");
        if (authorization is not null)
        {
            proxyRequest.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        // The client's origin and cookies belong to the local endpoint, not to the remote server.
        proxyRequest.Headers.Remove("Origin");
        proxyRequest.Headers.Remove("Cookie");
        foreach (var (name, value) in headers)
        {
            proxyRequest.Headers.Remove(name);
            proxyRequest.Headers.TryAddWithoutValidation(name, value);
        }
    }

    public override ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        if (holdBack401 && proxyResponse?.StatusCode == HttpStatusCode.Unauthorized)
        {
            Rejected = true;
            return ValueTask.FromResult(false);
        }

        if (StepUpAnswer.Scopes(proxyResponse) is { } scopes)
        {
            StepUpScopes = scopes;
            return ValueTask.FromResult(false);
        }

        // The method first: reading the content type parses it, which a POST's answer (the common case) never needs.
        if (HttpMethods.IsGet(httpContext.Request.Method) && proxyResponse is { IsSuccessStatusCode: true, Content.Headers.ContentType.MediaType: "text/event-stream" })
        {
            EndpointRewriter = new SseEndpointRewriter(httpContext.Response.Body, remoteOrigin, localOrigin, destination, announced);
            httpContext.Response.Body = EndpointRewriter;
        }

        return base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
    }
}
