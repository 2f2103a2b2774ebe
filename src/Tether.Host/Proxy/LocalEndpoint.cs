using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Tether.Tokens;
using Yarp.ReverseProxy.Forwarder;

namespace Tether.Proxy;

/// <summary>
/// One workload's loopback endpoint: checks <c>Host</c> and <c>Origin</c>, asks the token source, and forwards with
/// YARP (streaming, SSE unbuffered, status codes and MCP headers kept) with Tether's bearer in place of the client's.
/// </summary>
public sealed partial class LocalEndpoint : IAsyncDisposable
{
    /// <summary>Request bodies up to this size are buffered so that a request can be sent again after a 401.</summary>
    public const int MaxRetriedBody = 1024 * 1024;

    /// <summary>
    /// No idle time-out of the endpoint's own (YARP's default cancels a request after 100 s without traffic): an MCP
    /// event stream may carry nothing for hours, and a long tool call may be silent. The client's request bounds each
    /// forward: when it goes away, so does the upstream request.
    /// </summary>
    private static readonly ForwarderRequestConfig Forwarding = new() { ActivityTimeout = Timeout.InfiniteTimeSpan };

    private readonly LocalEndpointServer _server;
    private readonly PortListener _listener;
    private readonly LocalEndpointOptions _options;
    private readonly IAccessTokenSource _tokens;
    private readonly HttpMessageInvoker _upstream;
    private readonly IHttpForwarder _forwarder;
    private readonly ILogger _logger;
    private readonly Uri _remoteOrigin;
    private readonly Uri _localOrigin;
    private readonly string _remoteAuthority;
    private readonly string _destinationPrefix;
    private readonly string _mcpPath;
    private readonly string _mcpUpstreamPath;
    private readonly Uri _mcpDestination;
    private readonly AnnouncedPaths _announced = new();
    private readonly Action<Uri> _announce;
    private readonly BearerHeaders _bearers = new();
    private readonly string[] _localHosts;

    private LocalEndpoint(LocalEndpointServer server, PortListener listener, LocalEndpointOptions options, IAccessTokenSource tokens, ILogger logger)
    {
        _server = server;
        _listener = listener;
        _options = options;
        _tokens = tokens;
        _logger = logger;
        Port = listener.Port;
        _remoteOrigin = new Uri(options.RemoteUrl.GetLeftPart(UriPartial.Authority));
        _remoteAuthority = options.RemoteUrl.GetLeftPart(UriPartial.Authority);
        _destinationPrefix = _remoteOrigin.AbsoluteUri;
        _mcpPath = AnnouncedPaths.Key(options.RemoteUrl);
        _mcpUpstreamPath = options.RemoteUrl.AbsolutePath;
        _mcpDestination = new Uri(_remoteAuthority + _mcpUpstreamPath);
        _localOrigin = new Uri($"http://127.0.0.1:{Port}/");
        _localHosts = [$"127.0.0.1:{Port}", $"localhost:{Port}", $"[::1]:{Port}"];
        Url = new Uri(_localOrigin, options.RemoteUrl.PathAndQuery);
        _announce = _announced.Add;
        _forwarder = server.Forwarder;
        _upstream = server.Upstream;
    }

    /// <summary>The URL to give the MCP client.</summary>
    public Uri Url { get; }

    /// <summary>The loopback port.</summary>
    public int Port { get; }

    /// <summary>Starts listening on 127.0.0.1, on the host's one server for every local endpoint.</summary>
    /// <exception cref="LocalEndpointPortInUseException">The port is taken.</exception>
    public static async Task<LocalEndpoint> StartAsync(LocalEndpointOptions options, IAccessTokenSource tokens, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var server = await LocalEndpointServer.SharedAsync(cancellationToken);
        var logger = loggerFactory.CreateLogger<LocalEndpoint>();
        return await server.AddAsync(options.Port, (_, listener) => new LocalEndpoint(server, listener, options, tokens, logger), cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await _server.RemoveAsync(this, _listener);

    /// <summary>
    /// Serves one request that came in on this endpoint's port, measured for the metrics. The common path is this one
    /// async method and the forwarder's: a wrapper per request would add a state machine and an allocation.
    /// </summary>
    internal async Task ServeAsync(HttpContext context)
    {
        var started = Metrics.ProxyMetrics.Start();
        try
        {
            if (!IsLocalHost(context.Request.Host))
            {
                await ProxyAnswers.WriteAsync(context, StatusCodes.Status421MisdirectedRequest, null, "unexpected Host header: this endpoint answers on 127.0.0.1 only");
                return;
            }

            if (IsFromWebPage(context.Request.Headers))
            {
                Log.WebPageRefused(_logger, _options.Workload);
                await ProxyAnswers.WriteAsync(context, StatusCodes.Status403Forbidden, null, "requests from other origins are refused");
                return;
            }

            if (Destination(context.Request) is not { } destination)
            {
                await ProxyAnswers.WriteAsync(context, StatusCodes.Status404NotFound, null, $"not this workload's MCP endpoint: use {Url.AbsolutePath}");
                return;
            }

            if (context.Request.ContentLength > context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize)
            {
                await WriteTooLargeAsync(context);
                return;
            }

            var answer = await _tokens.GetTokenAsync(context.RequestAborted);
            if (answer.Kind != TokenAnswerKind.Token)
            {
                await ProxyAnswers.WriteTokenAnswerAsync(context, answer, _options.Workload);
                return;
            }

            var retriable = IsRetriable(context.Request);
            if (retriable && HttpMethods.IsPost(context.Request.Method))
            {
                context.Request.EnableBuffering(MaxRetriedBody);
            }

            var transformer = new BearerTransformer(destination, _remoteOrigin, _localOrigin, _bearers.Header(answer.AccessToken), _options.Headers, holdBack401: answer.AccessToken is not null, _announce);
            var error = await _forwarder.SendAsync(context, _destinationPrefix, _upstream, Forwarding, transformer);
            if (error != ForwarderError.None || transformer.EndpointRewriter is not null)
            {
                await AfterForwardAsync(context, transformer, error);
            }

            if (transformer.StepUpScopes is not null || transformer.Rejected)
            {
                await AnswerHeldBackAsync(context, destination, transformer, answer.AccessToken!, retriable);
            }
        }
        finally
        {
            Metrics.ProxyMetrics.Record(_options.Workload, context.Response.StatusCode, started);
        }
    }

    /// <summary>The upstream's 401 or step-up challenge was held back: refresh and send again once, or answer for it.</summary>
    private async Task AnswerHeldBackAsync(HttpContext context, Uri destination, BearerTransformer transformer, string accessToken, bool retriable)
    {
        if (transformer.StepUpScopes is { } stepUp)
        {
            ResetResponse(context);
            await StepUpAnswer.WriteAsync(context, stepUp, _options.Workload, _options.OnStepUp);
            return;
        }

        Log.Rejected(_logger, _options.Workload);
        var fresh = await _tokens.RefreshAfterRejectionAsync(accessToken, context.RequestAborted);
        if (fresh.Kind != TokenAnswerKind.Token || !retriable)
        {
            ResetResponse(context);
            await ProxyAnswers.WriteTokenAnswerAsync(context, fresh.Kind == TokenAnswerKind.Token ? new TokenAnswer(TokenAnswerKind.Retrying, null, 1, "the token was refreshed; send the request again") : fresh, _options.Workload);
            return;
        }

        ResetResponse(context);
        if (context.Request.Body.CanSeek)
        {
            context.Request.Body.Position = 0;
        }

        var again = new BearerTransformer(destination, _remoteOrigin, _localOrigin, _bearers.Header(fresh.AccessToken), _options.Headers, holdBack401: true, _announce);
        var error = await _forwarder.SendAsync(context, _destinationPrefix, _upstream, Forwarding, again);
        await AfterForwardAsync(context, again, error);
        if (again.StepUpScopes is { } stepUpAgain)
        {
            ResetResponse(context);
            await StepUpAnswer.WriteAsync(context, stepUpAgain, _options.Workload, _options.OnStepUp);
        }
        else if (again.Rejected)
        {
            var verdict = await _tokens.RefreshAfterRejectionAsync(fresh.AccessToken!, context.RequestAborted);
            ResetResponse(context);
            await ProxyAnswers.WriteTokenAnswerAsync(context, verdict.Kind == TokenAnswerKind.Token ? new TokenAnswer(TokenAnswerKind.Retrying, null, 1, "the server refused the token") : verdict, _options.Workload);
        }
    }

    /// <summary>After a forward that failed or opened a legacy event stream: closes the stream's announcement, answers errors.</summary>
    private async Task AfterForwardAsync(HttpContext context, BearerTransformer transformer, ForwarderError error)
    {
        if (transformer.EndpointRewriter is { } rewriter)
        {
            if (rewriter.Announced is { } announced)
            {
                _announced.Remove(announced);
            }

            await rewriter.CompleteAsync(context.RequestAborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (error == ForwarderError.None)
        {
            return;
        }

        if (!context.Response.HasStarted && IsBodyTooLarge(context))
        {
            ResetResponse(context);
            await WriteTooLargeAsync(context);
            return;
        }

        // A client that closes its stream or hangs up is normal MCP use (an SSE stream ends that way): not a warning.
        if (context.RequestAborted.IsCancellationRequested || error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyCanceled)
        {
            Log.ClientWentAway(_logger, _options.Workload, error.ToString());
            return;
        }

        var cause = context.Features.Get<IForwarderErrorFeature>()?.Exception?.Message ?? error.ToString();
        Log.ForwardFailed(_logger, _options.Workload, error.ToString(), cause);
        if (!context.Response.HasStarted)
        {
            ResetResponse(context);
            await ProxyAnswers.WriteAsync(context, StatusCodes.Status502BadGateway, null, $"the remote MCP server could not be reached ({error})");
        }
    }

    /// <summary>
    /// Where a request goes: the remote's scheme, host and port, and one of the workload's own paths in the remote's
    /// spelling, with the client's query. The request target only selects among those paths: it is never resolved
    /// against the remote, so no form of it (<c>//host</c>, <c>/..//host</c>, <c>//user@host</c>, absolute-form) can
    /// name another host. Null when the path is not the workload's (logged; the caller answers 404).
    /// </summary>
    private Uri? Destination(HttpRequest request)
    {
        var path = request.Path.Value ?? "";
        string upstreamPath;
        if (string.Equals(path, _mcpPath, StringComparison.Ordinal))
        {
            // The common case, answered without building a URL per request.
            if (!request.QueryString.HasValue)
            {
                return _mcpDestination;
            }

            upstreamPath = _mcpUpstreamPath;
        }
        else if (!_announced.TryGet(path, out upstreamPath))
        {
            Log.PathRefused(_logger, _options.Workload, request.Method, Printable(path), "not the MCP path nor a message path announced by an open event stream");
            return null;
        }

        // Defence in depth: the string is built from parts the endpoint owns, so the authority cannot differ.
        var destination = new Uri(_remoteAuthority + upstreamPath + request.QueryString.Value);
        if (destination.Scheme != _remoteOrigin.Scheme || !string.Equals(destination.Authority, _remoteOrigin.Authority, StringComparison.OrdinalIgnoreCase))
        {
            Log.PathRefused(_logger, _options.Workload, request.Method, Printable(path), "the query would change the destination");
            return null;
        }

        return destination;
    }

    /// <summary>A request path as it may appear in the log: bounded, without control characters.</summary>
    private static string Printable(string path)
    {
        var shown = path.Length > 120 ? path[..120] + "…" : path;
        return string.Concat(shown.Select(c => char.IsControl(c) ? '?' : c));
    }

    /// <summary>
    /// A request a web page made: a foreign <c>Origin</c>, or a <c>Sec-Fetch-Site</c> other than the user's own action
    /// (<c>none</c>) or the endpoint itself (<c>same-origin</c>): a page's <c>no-cors</c> request carries no Origin.
    /// </summary>
    private bool IsFromWebPage(IHeaderDictionary headers)
    {
        if (headers.Origin is { Count: > 0 } origin && !IsLocalOrigin(origin.ToString()))
        {
            return true;
        }

        var site = headers["Sec-Fetch-Site"];
        return site.Count > 1
            || (site.Count == 1 && !string.Equals(site[0], "same-origin", StringComparison.OrdinalIgnoreCase) && !string.Equals(site[0], "none", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Whether forwarding failed because Kestrel refused to read a body over its limit.</summary>
    private static bool IsBodyTooLarge(HttpContext context)
    {
        for (var ex = context.Features.Get<IForwarderErrorFeature>()?.Exception; ex is not null; ex = ex.InnerException)
        {
            if (ex is Microsoft.AspNetCore.Http.BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            {
                return true;
            }
        }

        return false;
    }

    private Task WriteTooLargeAsync(HttpContext context)
    {
        var limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? 0;
        Log.BodyTooLarge(_logger, _options.Workload, limit);
        return ProxyAnswers.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, null, $"the request body is larger than the local endpoint accepts ({limit} bytes)");
    }

    /// <summary>
    /// Whether a request can be sent again after a 401: a POST whose body is small enough to buffer, and a GET or
    /// DELETE without a body (nothing to buffer).
    /// </summary>
    private static bool IsRetriable(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) ? request.ContentLength is <= MaxRetriedBody
        : (HttpMethods.IsGet(request.Method) || HttpMethods.IsDelete(request.Method)) && (request.ContentLength is null or 0) && request.Headers.TransferEncoding.Count == 0;

    private static void ResetResponse(HttpContext context)
    {
        if (!context.Response.HasStarted)
        {
            context.Response.Clear();
            context.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = null;
        }
    }

    /// <summary>
    /// The <c>Host</c> header names this port on a loopback name. Compared with the three spellings made once, because
    /// <see cref="HostString.Host"/> and <see cref="HostString.Port"/> cut and parse the header on every request.
    /// </summary>
    private bool IsLocalHost(HostString host) =>
        host.Value is { } value && Array.IndexOf(_localHosts, value) >= 0;

    private bool IsLocalOrigin(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.IsLoopback && uri.Port == Port && uri.Scheme == Uri.UriSchemeHttp;
}
