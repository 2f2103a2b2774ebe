using Microsoft.AspNetCore.Http;

namespace Tether.Proxy;

/// <summary>Which requests the local endpoint sends again after an upstream 401 and a forced refresh.</summary>
internal static class RetriableRequest
{
    /// <summary>
    /// A POST whose body is small enough to buffer, and a GET or DELETE without a body (there is nothing to buffer).
    /// </summary>
    public static bool Is(HttpRequest request, long maxBufferedBody) =>
        HttpMethods.IsPost(request.Method) ? request.ContentLength <= maxBufferedBody
        : (HttpMethods.IsGet(request.Method) || HttpMethods.IsDelete(request.Method)) && (request.ContentLength is null or 0) && request.Headers.TransferEncoding.Count == 0;
}
