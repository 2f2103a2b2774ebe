namespace Tether.SignIn;

/// <summary>What a sign-in needs: the server and the user's choices from <c>tether run</c>.</summary>
public sealed record SignInRequest
{
    /// <summary>The remote MCP server.</summary>
    public required Uri McpUrl { get; init; }

    /// <summary>A pre-registered client id.</summary>
    public string? ClientId { get; init; }

    /// <summary>The pre-registered client's secret.</summary>
    public string? ClientSecret { get; init; }

    /// <summary>Scopes to ask for; else the challenge's, else the server's.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>The RFC 8707 resource; the protected resource's own when absent.</summary>
    public string? Resource { get; init; }

    /// <summary>Send no <c>resource</c> parameter (for servers that reject it).</summary>
    public bool SendResource { get; init; } = true;

    /// <summary>The authorization server, skipping discovery from the MCP server.</summary>
    public Uri? Issuer { get; init; }

    /// <summary>The authorization endpoint, skipping metadata discovery (with <see cref="TokenEndpoint"/>).</summary>
    public Uri? AuthorizationEndpoint { get; init; }

    /// <summary>The token endpoint, skipping metadata discovery (with <see cref="AuthorizationEndpoint"/>).</summary>
    public Uri? TokenEndpoint { get; init; }

    /// <summary>A client ID metadata document URL, used as the client id where the authorization server supports it.</summary>
    public Uri? ClientMetadataUrl { get; init; }

    /// <summary>The loopback callback port; a cached registration's, or a free one, when absent.</summary>
    public int? CallbackPort { get; init; }

    /// <summary>How long to wait for the browser.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);
}
