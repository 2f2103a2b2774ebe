namespace Tether.Sandbox.Faults;

/// <summary>How the sandbox's token endpoint misbehaves: one value per row of the classification table.</summary>
/// <remarks>Wire names (control endpoint, CLI) are the kebab-case of the member, e.g. <c>waf-403</c>; see <see cref="TokenEndpointFaultNames"/>.</remarks>
public enum TokenEndpointFault
{
    /// <summary>No fault: the real authorization server answers.</summary>
    None,

    /// <summary>403 with an HTML page, as a WAF or CDN sends.</summary>
    WafHtml403,

    /// <summary>500 with a plain body.</summary>
    ServerError500,

    /// <summary>503 with <c>Retry-After</c>.</summary>
    ServiceUnavailable503,

    /// <summary>429 with <c>Retry-After</c>.</summary>
    TooManyRequests429,

    /// <summary>400 <c>{"error":"invalid_grant"}</c>.</summary>
    InvalidGrant,

    /// <summary>401 <c>{"error":"invalid_client"}</c>.</summary>
    InvalidClient,

    /// <summary>400 <c>{"error":"temporarily_unavailable"}</c>.</summary>
    TemporarilyUnavailable,

    /// <summary>302 to a captive-portal page.</summary>
    Redirect,

    /// <summary>Accepts the request and never answers (until the client gives up or the sandbox stops).</summary>
    Hang,

    /// <summary>Resets the connection without an answer.</summary>
    Reset,

    /// <summary>200 with a body that is not JSON.</summary>
    Garbage200,

    /// <summary>200 with a body of several MiB.</summary>
    Oversized,
}
