using Tether.Notifications;

namespace Tether.Tests.Notifications;

public sealed class DesktopNotifierTests
{
    private static readonly Func<string, bool> OnlyBin = path => path.StartsWith("/bin/", StringComparison.Ordinal);

    [Fact]
    public void CommandFor_LinuxWithNotifySendAndASessionBus_NotifySend()
    {
        var command = DesktopNotifier.CommandFor("linux", Env(("PATH", "/usr/local/bin:/bin"), ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/user/1000/bus")), OnlyBin);

        Assert.Equal("/bin/notify-send", command?.FileName);
    }

    [Fact]
    public void CommandFor_LinuxBusOnlyInTheRuntimeFolder_NotifySend()
    {
        var command = DesktopNotifier.CommandFor("linux", Env(("PATH", "/bin"), ("XDG_RUNTIME_DIR", "/bin/run")), OnlyBin);

        Assert.Equal("/bin/notify-send", command?.FileName);
    }

    [Fact]
    public void CommandFor_LinuxWithoutASessionBus_Nothing()
    {
        Assert.Null(DesktopNotifier.CommandFor("linux", Env(("PATH", "/bin")), OnlyBin));
    }

    [Fact]
    public void CommandFor_LinuxWithoutNotifySend_Nothing()
    {
        Assert.Null(DesktopNotifier.CommandFor("linux", Env(("PATH", "/usr/bin"), ("DBUS_SESSION_BUS_ADDRESS", "unix:x")), OnlyBin));
    }

    [Fact]
    public void CommandFor_MacOs_Osascript()
    {
        Assert.Equal("/bin/osascript", DesktopNotifier.CommandFor("macos", Env(("PATH", "/bin")), OnlyBin)?.FileName);
    }

    [Fact]
    public void CommandFor_OtherPlatforms_Nothing()
    {
        Assert.Null(DesktopNotifier.CommandFor("other", Env(("PATH", "/bin")), OnlyBin));
    }

    private static Func<string, string?> Env(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;
}
