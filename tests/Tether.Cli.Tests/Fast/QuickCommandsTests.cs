using Tether.Cli;

namespace Tether.Tests.Fast;

public sealed class QuickCommandsTests
{
    [Theory]
    [InlineData("status", "x")]
    [InlineData("list", "--format")]
    [InlineData("list", "--format", "yaml")]
    [InlineData("list", "--all", "--all")]
    [InlineData("list", "--help")]
    [InlineData("list", "extra")]
    [InlineData("--version")]
    public void TryRun_ArgumentsItDoesNotHandle_LeftToTheFullCommandLine(params string[] args) =>
        Assert.Null(QuickCommands.TryRun(args));
}
