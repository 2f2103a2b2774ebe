namespace Tether.Interop.Servers;

/// <summary>
/// An authorization server with an MCP server it protects, on 127.0.0.1, and the switches a test needs: a WAF in front
/// of the token endpoint, revoking the user's grants, and the lifetime of the access tokens it issues.
/// </summary>
public interface IInteropServer : IAsyncDisposable
{
    /// <summary>What a user would call this server (the matrix's row name).</summary>
    string Name { get; }

    /// <summary>The authorization server's issuer, as its metadata names it.</summary>
    Uri Issuer { get; }

    /// <summary>The protected MCP server (streamable HTTP) with an <c>echo</c> tool taking <c>message</c>.</summary>
    Uri McpUrl { get; }

    /// <summary>Puts a WAF answering 403 with an HTML page in front of the token endpoint, or takes it away.</summary>
    Task SetWafAsync(bool on, CancellationToken cancellationToken);

    /// <summary>Revokes every grant, as a user removing the app's access at the provider.</summary>
    Task RevokeGrantsAsync(CancellationToken cancellationToken);

    /// <summary>How long access tokens issued from now on live.</summary>
    Task SetAccessTokenLifetimeAsync(TimeSpan lifetime, CancellationToken cancellationToken);

    /// <summary>What reached the server so far.</summary>
    Task<ServerCounters> CountersAsync(CancellationToken cancellationToken);
}
