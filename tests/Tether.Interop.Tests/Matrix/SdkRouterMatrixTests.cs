using Tether.Interop.Servers;

namespace Tether.Interop.Matrix;

/// <summary>
/// The matrix against the MCP TypeScript SDK's <c>mcpAuthRouter</c> with a small in-memory provider: RFC 8414
/// discovery, dynamic registration, rotation with reuse rejected.
/// </summary>
public sealed class SdkRouterMatrixTests : InteropMatrixTests
{
    protected override async Task<IInteropServer> StartServerAsync(TimeSpan accessTokenLifetime, CancellationToken cancellationToken) =>
        await NodeInteropServer.StartSdkRouterAsync(accessTokenLifetime, cancellationToken);
}
