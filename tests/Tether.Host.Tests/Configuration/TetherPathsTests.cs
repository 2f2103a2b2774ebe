using Tether.Configuration;

namespace Tether.Tests.Configuration;

public sealed class TetherPathsTests
{
    [Fact]
    public void ResolveHome_TetherHomeSet_UsesItOnEveryPlatform()
    {
        var home = Path.Combine(Path.GetTempPath(), "custom-home");
        foreach (var platform in Enum.GetValues<TetherPlatform>())
        {
            Assert.Equal(home, TetherPaths.ResolveHome(Env(("TETHER_HOME", home), ("XDG_STATE_HOME", "/xdg")), platform));
        }
    }

    [Fact]
    public void ResolveHome_LinuxWithXdgStateHome_UsesXdgTether()
    {
        Assert.Equal(Path.Combine("/xdg/state", "tether"), TetherPaths.ResolveHome(Env(("XDG_STATE_HOME", "/xdg/state"), ("HOME", "/home/u")), TetherPlatform.Unix));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("relative/state")]
    public void ResolveHome_LinuxWithoutUsableXdg_UsesLocalState(string? xdg)
    {
        Assert.Equal(
            Path.Combine("/home/u", ".local", "state", "tether"),
            TetherPaths.ResolveHome(Env(("XDG_STATE_HOME", xdg), ("HOME", "/home/u")), TetherPlatform.Unix));
    }

    [Fact]
    public void ResolveHome_MacOS_UsesApplicationSupport()
    {
        Assert.Equal(
            Path.Combine("/Users/u", "Library", "Application Support", "Tether"),
            TetherPaths.ResolveHome(Env(("HOME", "/Users/u")), TetherPlatform.MacOS));
    }

    [Fact]
    public void Paths_UnderHome_NameEveryFile()
    {
        var home = Path.Combine(Path.GetTempPath(), "h");
        var paths = new TetherPaths(home);

        Assert.Equal(Path.Combine(home, "tether.db"), paths.DatabasePath);
        Assert.Equal(Path.Combine(home, "keys"), paths.KeysDirectory);
        Assert.Equal(Path.Combine(home, "logs"), paths.LogsDirectory);
        Assert.Equal(Path.Combine(home, "locks"), paths.LocksDirectory);
        Assert.Equal(Path.Combine(home, "host.json"), paths.HostAddressPath);
        Assert.Equal(Path.Combine(home, "config.json"), paths.ConfigPath);
        Assert.Equal(Path.Combine(home, "locks", "github.lock"), paths.WorkloadLockPath("github"));
        Assert.Equal(Path.Combine(home, "logs", "github.log"), paths.WorkloadLogPath("github"));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("a/b")]
    [InlineData(".hidden")]
    [InlineData("name with spaces")]
    public void WorkloadLockPath_UnsafeName_StaysInLocksFolder(string name)
    {
        var paths = new TetherPaths(Path.Combine(Path.GetTempPath(), "h"));

        var path = paths.WorkloadLockPath(name);

        Assert.Equal(paths.LocksDirectory, Path.GetDirectoryName(path));
        Assert.NotEqual(paths.WorkloadLockPath("other" + name), path);
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    [Fact]
    public void EnsureCreated_NewHome_CreatesUserOnlyFolders()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix permissions");
        var root = Path.Combine(Path.GetTempPath(), "tether-paths-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var paths = new TetherPaths(Path.Combine(root, "state", "tether"));

            paths.EnsureCreated();

            var userOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            foreach (var folder in new[] { paths.Home, paths.KeysDirectory, paths.LogsDirectory, paths.LocksDirectory })
            {
                Assert.Equal(userOnly, File.GetUnixFileMode(folder));
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static Func<string, string?> Env(params (string Name, string? Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;
}
