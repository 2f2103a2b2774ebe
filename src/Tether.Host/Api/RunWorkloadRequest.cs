namespace Tether.Api;

/// <summary>The body of <c>POST /api/v1/workloads</c>: what <c>tether run</c> was given.</summary>
public sealed record RunWorkloadRequest
{
    /// <summary>The remote MCP server's URL.</summary>
    public required string Url { get; init; }

    /// <summary>The workload's name; derived from the URL's host when absent.</summary>
    public string? Name { get; init; }

    /// <summary><c>streamable-http</c> (default) or <c>sse</c>.</summary>
    public string? Transport { get; init; }

    /// <summary>The local endpoint's port; a free one is chosen (and kept) when absent.</summary>
    public int? Port { get; init; }

    /// <summary>A pre-registered OAuth client id.</summary>
    public string? ClientId { get; init; }

    /// <summary>The pre-registered client's secret (a secret: stored encrypted, never echoed).</summary>
    public string? ClientSecret { get; init; }

    /// <summary>A client ID metadata document URL (https).</summary>
    public string? ClientMetadataUrl { get; init; }

    /// <summary>Scopes to ask for.</summary>
    public IReadOnlyList<string>? Scopes { get; init; }

    /// <summary>A scope to send on refresh; none is sent without it (the server gives the original grant).</summary>
    public string? RefreshScope { get; init; }

    /// <summary>The RFC 8707 resource to ask for; empty string turns the parameter off.</summary>
    public string? Resource { get; init; }

    /// <summary>The authorization server, skipping discovery from the MCP server.</summary>
    public string? Issuer { get; init; }

    /// <summary>The authorization endpoint, with <see cref="TokenUrl"/>, skipping discovery altogether.</summary>
    public string? AuthorizeUrl { get; init; }

    /// <summary>The token endpoint, with <see cref="AuthorizeUrl"/>.</summary>
    public string? TokenUrl { get; init; }

    /// <summary>The loopback callback port for sign-in.</summary>
    public int? CallbackPort { get; init; }

    /// <summary>How long to wait for the user to finish sign-in; default 5 minutes.</summary>
    public TimeSpan? AuthTimeout { get; init; }

    /// <summary>A static bearer token instead of OAuth (a secret: stored encrypted).</summary>
    public string? BearerToken { get; init; }

    /// <summary>Extra headers sent upstream, as <c>Name=Value</c>.</summary>
    public IReadOnlyList<string>? Headers { get; init; }
}
