namespace Tether.Api;

/// <summary>A workload as the REST API and <c>tether list --format json</c> show it. Holds no secret.</summary>
public sealed record WorkloadView
{
    /// <summary>The workload's name.</summary>
    public required string Name { get; init; }

    /// <summary>The status's wire name (<c>running</c>, <c>auth_retrying</c>, …).</summary>
    public required string Status { get; init; }

    /// <summary>Why the workload is in that status, or what it is doing about it.</summary>
    public string StatusReason { get; init; } = "";

    /// <summary>The aggregator health (<c>healthy</c>, <c>degraded</c>, …).</summary>
    public required string Health { get; init; }

    /// <summary>The local URL to give the MCP client.</summary>
    public string? Url { get; init; }

    /// <summary>The remote MCP server.</summary>
    public required string RemoteUrl { get; init; }

    /// <summary><c>streamable-http</c> or <c>sse</c>.</summary>
    public required string Transport { get; init; }

    /// <summary>The local endpoint's port.</summary>
    public int Port { get; init; }

    /// <summary>When the workload was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When its status last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>How the workload authenticates: <c>oauth</c>, <c>bearer</c> or <c>none</c>.</summary>
    public string Auth { get; init; } = "none";

    /// <summary>The authorization server, for OAuth workloads.</summary>
    public string? Issuer { get; init; }

    /// <summary>The OAuth client id (not a secret).</summary>
    public string? ClientId { get; init; }

    /// <summary>While <c>authenticating</c>: the URL to open in a browser.</summary>
    public string? SignInUrl { get; init; }

    /// <summary>While <c>authenticating</c>: when the sign-in wait ends.</summary>
    public DateTimeOffset? SignInDeadline { get; init; }

    /// <summary>While retrying: when the next token-endpoint attempt is due.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>When the access token expires, when known.</summary>
    public DateTimeOffset? TokenExpiresAt { get; init; }
}
