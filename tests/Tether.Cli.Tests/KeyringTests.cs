using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Tether.Sandbox;
using Tether.Tests.Fixtures;

namespace Tether.Tests;

/// <summary>
/// The keyring key source against a real secret service: <c>.ci/run</c> runs the tests inside <c>dbus-run-session</c>
/// with gnome-keyring unlocked. Skipped only where there is no D-Bus session to use.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class KeyringTests : CliOnSandbox
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);

    public KeyringTests()
        : base(TimeSpan.FromMinutes(10))
    {
        Cli.Environment["TETHER_KEY_SOURCE"] = "keyring";
    }

    [Fact]
    public async Task Run_KeyringKeySource_KeyInTheSecretServiceAndTokensBackAfterAHostRestart()
    {
        Assert.SkipWhen(
            string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS")),
            "no D-Bus session bus here; .ci/run starts one (dbus-run-session with gnome-keyring unlocked) wherever D-Bus can start");

        var run = await RunSignedInAsync("kr");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var local = LocalUrl(run);

        Assert.Equal(0, (await Cli.RunAsync(["serve", "--stop"], cancellationToken: Ct)).ExitCode);
        await Eventually.TrueAsync(() => Task.FromResult(!File.Exists(Path.Combine(Cli.Home, "host.json"))), "the host stopped", Bound);
        var list = await Cli.RunAsync(["list", "--format", "json"], cancellationToken: Ct);

        Assert.True(list.ExitCode == 0, list.Stderr);
        using (var json = JsonDocument.Parse(list.Stdout))
        {
            Assert.Equal("running", json.RootElement.EnumerateArray().Single().GetProperty("status").GetString());
        }

        // The tokens stored before the restart were decrypted with the key from the secret service.
        Assert.Equal("back", await CallEchoAsync(local, "back"));
        Assert.False(File.Exists(Path.Combine(Cli.Home, "keys", "store.key")), "no key file when the keyring holds the key");
        var others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
        Assert.All(Directory.GetFiles(Path.Combine(Cli.Home, "keys")), file => Assert.True((File.GetUnixFileMode(file) & others) == 0, $"{file} is {File.GetUnixFileMode(file)}"));
    }

    private static async Task<string> CallEchoAsync(Uri local, string message)
    {
        await using var mcp = await McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions { Endpoint = local, TransportMode = HttpTransportMode.StreamableHttp }),
            cancellationToken: Ct);
        var result = await mcp.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = message }, cancellationToken: Ct);
        return Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;
    }
}
