using Tether.Interop.Servers;

namespace Tether.Interop.Matrix;

/// <summary>The matrix against the embedded OpenIddict sandbox.</summary>
public sealed class SandboxMatrixTests : InteropMatrixTests
{
    protected override async Task<IInteropServer> StartServerAsync(TimeSpan accessTokenLifetime, CancellationToken cancellationToken) =>
        await SandboxInteropServer.StartAsync(accessTokenLifetime, cancellationToken);
}
