using Tether.Tests.Fixtures;

namespace Tether.Tests;

/// <summary>
/// The runtime settings the CLI gives the host it starts in the background (a smaller generation-0 budget, for the
/// idle working set measured in bench/Tether.LoadDriver idle), read from the running host's environment in /proc.
/// </summary>
public sealed class HostRuntimeSettingsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("", "0x400000")]
    [InlineData("0x800000", "0x800000")]
    public async Task List_NoHostRunning_BackgroundHostStartsWithTheGen0BudgetUnlessTheUserSetOne(string callers, string expected)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "reads the host's environment from /proc");
        await using var cli = new TetherCli();
        cli.Environment["DOTNET_GCgen0size"] = callers;

        var list = await cli.RunAsync(["list"], cancellationToken: Ct);

        Assert.True(list.ExitCode == 0, list.Stderr);
        var pid = cli.HostPid();
        var environment = (await File.ReadAllTextAsync($"/proc/{pid}/environ", Ct)).Split('\0');
        Assert.Contains("TETHER_HOME=" + cli.Home, environment);
        Assert.Contains("DOTNET_GCgen0size=" + expected, environment);
    }
}
