using Tether.Interop.Servers;

namespace Tether.Interop.Matrix;

/// <summary>
/// The matrix against node <c>oidc-provider</c>: OpenID discovery only, an issuer with a path, resource indicators with
/// JWT access tokens, refresh-token rotation (a reused refresh token revokes the grant).
/// </summary>
public sealed class OidcProviderMatrixTests : InteropMatrixTests
{
    protected override async Task<IInteropServer> StartServerAsync(TimeSpan accessTokenLifetime, CancellationToken cancellationToken) =>
        await NodeInteropServer.StartOidcProviderAsync(accessTokenLifetime, cancellationToken);
}
