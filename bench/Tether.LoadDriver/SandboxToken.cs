using Microsoft.Extensions.Logging.Abstractions;
using Tether.Configuration;
using Tether.Sandbox;
using Tether.SignIn;
using Tether.Store;

namespace Tether.LoadDriver;

/// <summary>An access token for the sandbox, obtained through Tether's own sign-in (DCR + PKCE) with the sandbox playing the browser.</summary>
internal static class SandboxToken
{
    public static async Task<string> SignInAsync(SandboxServer sandbox, CancellationToken cancellationToken)
    {
        var home = Directory.CreateTempSubdirectory("tether-load-");
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
            using var store = await TetherStore.OpenAsync(new TetherPaths(home.FullName), KeySourceMode.File, TimeProvider.System, NullLoggerFactory.Instance, cancellationToken);
            var signIn = new SignInService(http, store, TimeProvider.System);
            var challenge = await signIn.DetectAsync(sandbox.McpUrl, cancellationToken);
            var result = await signIn.SignInAsync(new SignInRequest { McpUrl = sandbox.McpUrl }, challenge, url => _ = sandbox.CompleteSignInAsync(url, cancellationToken), cancellationToken);
            return result.Tokens.AccessToken;
        }
        finally
        {
            home.Delete(recursive: true);
        }
    }
}
