using Tether.Sandbox;
using Tether.Sandbox.Faults;

namespace Tether.Interop.Servers;

/// <summary>The embedded OpenIddict sandbox (<c>src/Tether.Sandbox</c>), in this process.</summary>
public sealed class SandboxInteropServer : IInteropServer
{
    private readonly SandboxServer _sandbox;

    private SandboxInteropServer(SandboxServer sandbox) => _sandbox = sandbox;

    /// <inheritdoc/>
    public string Name => "OpenIddict sandbox";

    /// <inheritdoc/>
    public Uri Issuer => _sandbox.Issuer;

    /// <inheritdoc/>
    public Uri McpUrl => _sandbox.McpUrl;

    /// <summary>Starts a sandbox issuing access tokens that live <paramref name="accessTokenLifetime"/>.</summary>
    public static async Task<SandboxInteropServer> StartAsync(TimeSpan accessTokenLifetime, CancellationToken cancellationToken) =>
        new(await SandboxServer.StartAsync(new SandboxOptions { AccessTokenLifetime = accessTokenLifetime }, cancellationToken));

    /// <inheritdoc/>
    public Task SetWafAsync(bool on, CancellationToken cancellationToken)
    {
        if (on)
        {
            _sandbox.Faults.Set(TokenEndpointFault.WafHtml403);
        }
        else
        {
            _sandbox.Faults.Clear();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task RevokeGrantsAsync(CancellationToken cancellationToken)
    {
        _sandbox.RevokeAllTokens();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task SetAccessTokenLifetimeAsync(TimeSpan lifetime, CancellationToken cancellationToken)
    {
        _sandbox.AccessTokenLifetime = lifetime;
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<ServerCounters> CountersAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new ServerCounters(_sandbox.Counters.TokenRequests, null, _sandbox.AcceptedBearerTokens.Count));

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _sandbox.DisposeAsync();
}
