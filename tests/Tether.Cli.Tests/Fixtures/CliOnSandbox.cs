using Tether.Sandbox;

namespace Tether.Tests.Fixtures;

/// <summary>
/// The setup most CLI tests share: the real <c>tether</c> executable in a throw-away home, in front of a sandbox of
/// the test's own whose access tokens live <paramref name="tokenLifetime"/>.
/// </summary>
public abstract class CliOnSandbox(TimeSpan tokenLifetime) : IAsyncLifetime
{
    /// <summary>The executable, its home and its environment (set settings in the test class's constructor).</summary>
    protected TetherCli Cli { get; } = new();

    /// <summary>The authorization server and MCP server the workloads sign in to.</summary>
    protected SandboxServer Sandbox { get; private set; } = null!;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        Sandbox = await SandboxServer.StartAsync(new SandboxOptions { AccessTokenLifetime = tokenLifetime }, Ct);

    public async ValueTask DisposeAsync()
    {
        await Cli.DisposeAsync();
        await Sandbox.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary><c>tether run URL --name NAME --skip-browser</c>, playing the browser when the sign-in URL is printed.</summary>
    protected Task<CliResult> RunSignedInAsync(string name) =>
        Cli.RunAsync(["run", Sandbox.McpUrl.AbsoluteUri, "--name", name, "--skip-browser"], Sandbox.SignsIn(Ct), cancellationToken: Ct);

    /// <summary>The local URL <c>tether run</c> ends with.</summary>
    protected static Uri LocalUrl(CliResult run) => new(run.Stdout.Trim().Split('\n').Last().Trim());
}
