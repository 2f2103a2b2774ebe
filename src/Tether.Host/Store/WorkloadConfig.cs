namespace Tether.Store;

/// <summary>The non-secret options of a workload, stored as JSON (secrets go to the encrypted secrets table).</summary>
public sealed record WorkloadConfig
{
    /// <summary>Scopes asked for (<c>--scopes</c>); empty to let discovery decide.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>The RFC 8707 resource (<c>--resource</c>); <see langword="null"/> for the server URL.</summary>
    public string? Resource { get; init; }

    /// <summary>Whether the RFC 8707 <c>resource</c> parameter is sent (some servers reject it).</summary>
    public bool SendResource { get; init; } = true;

    /// <summary>The issuer, when given (<c>--issuer</c>) or found at sign-in.</summary>
    public string? Issuer { get; init; }

    /// <summary>Whether <see cref="Issuer"/> came from <c>--issuer</c> (then discovery from the MCP server is skipped).</summary>
    public bool IssuerGiven { get; init; }

    /// <summary>The authorization endpoint given with <c>--authorize-url</c>.</summary>
    public string? AuthorizeUrl { get; init; }

    /// <summary>The token endpoint given with <c>--token-url</c> or found at sign-in.</summary>
    public string? TokenUrl { get; init; }

    /// <summary>The OAuth client id in use (pre-registered, dynamic or metadata document URL).</summary>
    public string? ClientId { get; init; }

    /// <summary>The client ID metadata document URL (<c>--client-metadata-url</c>).</summary>
    public string? ClientMetadataUrl { get; init; }

    /// <summary>The loopback callback port (<c>--callback-port</c>).</summary>
    public int? CallbackPort { get; init; }

    /// <summary>Whether sign-in prints the URL instead of opening a browser.</summary>
    public bool SkipBrowser { get; init; }

    /// <summary>How long sign-in waits for the browser (<c>--auth-timeout</c>).</summary>
    public TimeSpan? AuthTimeout { get; init; }

    /// <summary>Names of extra headers (<c>--header</c>); values may be secrets and are not kept here.</summary>
    public IReadOnlyList<string> HeaderNames { get; init; } = [];

    /// <summary>Whether the workload authenticates with a static bearer token instead of OAuth.</summary>
    public bool UsesBearerToken { get; init; }

    /// <summary>Whether the server said it needs no sign-in (then nothing is sent but the client's request).</summary>
    public bool NoAuth { get; init; }

    /// <summary>After sign-in: how the client authenticates at the token endpoint (<c>none</c>, <c>client_secret_post</c>, <c>client_secret_basic</c>).</summary>
    public string? ClientAuthMethod { get; init; }

    /// <summary>After sign-in: whether the client came from dynamic registration or a metadata document (the remediation hint names it).</summary>
    public bool ClientFromRegistration { get; init; }

    /// <summary>After sign-in: the scope granted (shown, and the base of a step-up's union; not sent on refresh).</summary>
    public string? GrantedScope { get; init; }

    /// <summary>
    /// The scope sent on refresh (<c>--refresh-scope</c>); <see langword="null"/> sends none, which RFC 6749 §6 reads
    /// as the original grant.
    /// </summary>
    public string? RefreshScope { get; init; }

    /// <summary>
    /// Scopes an MCP server asked for in a step-up challenge (403 <c>insufficient_scope</c>) since the last sign-in:
    /// the next sign-in asks for them on top of the others.
    /// </summary>
    public IReadOnlyList<string> StepUpScopes { get; init; } = [];
}
