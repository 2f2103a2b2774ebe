using Tether.Tests.Fixtures;

namespace Tether.Tests;

/// <summary>The README's first command: <c>tether demo</c>, run as a new user runs it, on a machine with no Tether home.</summary>
public sealed class DemoTests : IAsyncLifetime
{
    private readonly TetherCli _cli = new(createHome: false);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _cli.DisposeAsync();

    [Fact]
    public async Task Demo_FreshMachine_TellsTheWholeStoryAndLeavesNothingBehind()
    {
        var demo = await _cli.RunAsync(["demo"], timeout: TimeSpan.FromMinutes(8), cancellationToken: Ct);

        Assert.True(demo.ExitCode == 0, $"exit {demo.ExitCode}\n{demo.Stdout}\n{demo.Stderr}");
        string[] story =
        [
            "signed in; point any MCP client at http://127.0.0.1:",
            "auth_retrying",
            "Retry-After",
            "The WAF goes away",
            "unauthenticated",
            "tether reauth demo",
            "Done",
        ];
        var at = 0;
        foreach (var step in story)
        {
            var found = demo.Stdout.IndexOf(step, at, StringComparison.Ordinal);
            Assert.True(found >= 0, $"'{step}' is missing from the story (or out of order):\n{demo.Stdout}");
            at = found;
        }

        Assert.DoesNotContain("   at ", demo.Stdout + demo.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_cli.Home), "the demo plays in a throw-away home and leaves the user's alone");
    }
}
