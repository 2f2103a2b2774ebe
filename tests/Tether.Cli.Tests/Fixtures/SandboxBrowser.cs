using Tether.Sandbox;

namespace Tether.Tests.Fixtures;

/// <summary>Plays the user's browser for a <c>tether</c> command run with <c>--skip-browser</c>.</summary>
internal static class SandboxBrowser
{
    /// <summary>
    /// A handler for the command's stderr lines: when one is the sandbox's sign-in URL, the sign-in is completed there
    /// (the sandbox approves at once and the browser lands on Tether's loopback callback).
    /// </summary>
    public static Func<string, Task> SignsIn(this SandboxServer sandbox, CancellationToken cancellationToken) => async line =>
    {
        var trimmed = line.Trim();
        if (trimmed.StartsWith(sandbox.Issuer.AbsoluteUri, StringComparison.Ordinal) && trimmed.Contains("/authorize?", StringComparison.Ordinal))
        {
            await sandbox.CompleteSignInAsync(new Uri(trimmed), cancellationToken);
        }
    };
}
