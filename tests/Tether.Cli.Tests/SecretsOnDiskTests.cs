using System.Text;
using System.Text.Json;
using Tether.Sandbox;
using Tether.Sandbox.Faults;
using Tether.Tests.Fixtures;

namespace Tether.Tests;

/// <summary>
/// Secrets at rest through the real <c>tether</c> executable: no access or refresh token, authorization code, PKCE
/// verifier or <c>state</c> in any file of the home (the SQLite WAL included), and a refresh chain that survives the
/// host being killed in the middle of refreshes.
/// </summary>
public sealed class SecretsOnDiskTests : CliOnSandbox
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);

    public SecretsOnDiskTests()
        : base(TimeSpan.FromSeconds(4))
    {
        Cli.Environment["TETHER_TOKEN_PROBE_MIN_INTERVAL"] = "1s";
    }

    [Fact]
    public async Task Run_SignInAndRefreshes_NoSecretOfAnyKindInAnyFileWalIncluded()
    {
        Assert.True((await RunSignedInAsync("scan")).ExitCode == 0);
        await Eventually.TrueAsync(() => Task.FromResult(Sandbox.Counters.TokenRequests >= 3), "a code exchange and two refreshes", Bound);
        await WaitRunningAsync("scan");

        var secrets = Sandbox.SignInSecrets.Concat(Sandbox.AcceptedBearerTokens).ToList();
        Assert.True(secrets.Count >= 6, $"code, verifier, state, refresh and access tokens seen: {secrets.Count}");
        var wal = Path.Combine(Cli.Home, "tether.db-wal");
        Assert.True(File.Exists(wal) && new FileInfo(wal).Length > 0, "the WAL is there to scan while the host runs");
        Assert.True(AnyFileHolds(Sandbox.McpUrl.AbsoluteUri), "the scan reads what the store wrote");
        AssertInNoFile(secrets, "while running");

        // The scan waits for the host's process to end, not only for host.json to go: the store closes after that, and
        // its last connection folds the WAL into the database and deletes it, which a scan must not race.
        using var host = Cli.HostProcess();
        Assert.Equal(0, (await Cli.RunAsync(["serve", "--stop"], cancellationToken: Ct)).ExitCode);
        await host.WaitForExitAsync(Ct).WaitAsync(Bound, Ct);
        Assert.False(File.Exists(Path.Combine(Cli.Home, "host.json")), "the host removed host.json");
        AssertInNoFile(Sandbox.SignInSecrets.Concat(Sandbox.AcceptedBearerTokens), "after the host stopped");
    }

    [Fact]
    public async Task KillDashNine_WhileRefreshesAreInFlight_RefreshChainSurvives()
    {
        Assert.True((await RunSignedInAsync("chain")).ExitCode == 0);
        const int Kills = 4;
        for (var kill = 0; kill < Kills; kill++)
        {
            // The next refresh reaches the authorization server and hangs there; the host is killed while it waits.
            var before = Sandbox.Counters.TokenRequests;
            Sandbox.Faults.Set(TokenEndpointFault.Hang, count: 1);
            await Eventually.TrueAsync(() => Task.FromResult(Sandbox.Counters.TokenRequests > before), $"refresh {kill + 1} in flight", Bound);
            await KillHostAsync();
            Assert.Equal(0, (await Cli.RunAsync(["list"], cancellationToken: Ct)).ExitCode);
        }

        Sandbox.Faults.Clear();
        var settled = Sandbox.Counters.TokenRequests;
        await Eventually.TrueAsync(() => Task.FromResult(Sandbox.Counters.TokenRequests > settled + 1), "two refreshes after the last kill", Bound);
        await WaitRunningAsync("chain");
    }

    private async Task WaitRunningAsync(string name) =>
        await Eventually.TrueAsync(async () => await StatusAsync(name) == "running", $"{name} running", Bound);

    private async Task<string?> StatusAsync(string name)
    {
        var list = await Cli.RunAsync(["list", "--all", "--format", "json"], cancellationToken: Ct);
        Assert.True(list.ExitCode == 0, list.Stderr);
        using var json = JsonDocument.Parse(list.Stdout);
        return json.RootElement.EnumerateArray().Single(w => w.GetProperty("name").GetString() == name).GetProperty("status").GetString();
    }

    private async Task KillHostAsync()
    {
        using var host = Cli.HostProcess();
        host.Kill();
        await host.WaitForExitAsync(Ct).WaitAsync(Bound, Ct);
    }

    private bool AnyFileHolds(string text) =>
        Directory.EnumerateFiles(Cli.Home, "*", SearchOption.AllDirectories)
            .Any(f => Encoding.UTF8.GetString(ReadForScan(f)).Contains(text, StringComparison.Ordinal));

    /// <summary>
    /// A file's bytes. Lock files held by the host cannot be opened (a read takes a shared lock): they are scanned by
    /// their size, which must stay 0, since nothing is ever written to them.
    /// </summary>
    private static byte[] ReadForScan(string file)
    {
        if (file.EndsWith(".lock", StringComparison.Ordinal))
        {
            Assert.Equal(0, new FileInfo(file).Length);
            return [];
        }

        return File.ReadAllBytes(file);
    }

    private void AssertInNoFile(IEnumerable<string> secrets, string when)
    {
        var all = secrets.ToList();
        foreach (var file in Directory.EnumerateFiles(Cli.Home, "*", SearchOption.AllDirectories))
        {
            var bytes = ReadForScan(file);
            var text = Encoding.UTF8.GetString(bytes);
            var latin = Encoding.Latin1.GetString(bytes);
            foreach (var secret in all)
            {
                Assert.False(
                    text.Contains(secret, StringComparison.Ordinal) || latin.Contains(secret, StringComparison.Ordinal),
                    $"{file} holds a secret in plain text ({when}): {secret[..Math.Min(6, secret.Length)]}…");
            }
        }
    }
}
