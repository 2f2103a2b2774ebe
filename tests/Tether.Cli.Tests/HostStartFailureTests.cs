using Tether.Tests.Fixtures;

namespace Tether.Tests;

/// <summary>
/// A host that cannot start tells the command that started it why, at once, in one line with the fix, exit 1, no
/// stack trace; <c>tether serve</c> the same.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class HostStartFailureTests : IAsyncLifetime
{
    private readonly TetherCli _cli = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string StorePath => Path.Combine(_cli.Home, "tether.db");

    private string KeyPath => Path.Combine(_cli.Home, "keys", "store.key");

    public async ValueTask InitializeAsync()
    {
        // A store and a key as a first run leaves them, with no host running.
        Assert.Equal(0, (await _cli.RunAsync(["list"], cancellationToken: Ct)).ExitCode);
        Assert.Equal(0, (await _cli.RunAsync(["serve", "--stop"], cancellationToken: Ct)).ExitCode);
        await Eventually.TrueAsync(() => Task.FromResult(!File.Exists(Path.Combine(_cli.Home, "host.json"))), "the host stopped", TimeSpan.FromMinutes(2));

        // host.json goes first; the store is let go of before the host's lock, released last: wait for that.
        await Eventually.TrueAsync(() => Task.FromResult(HostLockFree()), "the host let go of its lock", TimeSpan.FromMinutes(2));
    }

    private bool HostLockFree()
    {
        try
        {
            using var probe = new FileStream(Path.Combine(_cli.Home, "host.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync() => _cli.DisposeAsync();

    [Fact]
    public async Task List_BadSettingInConfigFile_SaysWhichAndExits1()
    {
        await File.WriteAllTextAsync(Path.Combine(_cli.Home, "config.json"), """{"token_request_wait": "soon"}""", Ct);

        var line = await FailsInOneLineAsync("list");

        Assert.Contains("token_request_wait", line, StringComparison.Ordinal);
        Assert.Contains("soon", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_KeyFileOf10Bytes_SaysDamagedAndToMoveItAway()
    {
        await File.WriteAllBytesAsync(KeyPath, new byte[10], Ct);

        var line = await FailsInOneLineAsync("list");

        Assert.Contains(KeyPath, line, StringComparison.Ordinal);
        Assert.Contains("10 bytes", line, StringComparison.Ordinal);
        Assert.Contains("Move it away", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_KeyFileReadableByOthers_RefusedWithTheChmodThatFixesIt()
    {
        File.SetUnixFileMode(KeyPath, File.GetUnixFileMode(KeyPath) | UnixFileMode.OtherRead);

        var line = await FailsInOneLineAsync("list");

        Assert.Contains($"chmod 600 {KeyPath}", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAndServe_CorruptStore_NameTheFileSayMoveItAsideAndLeaveItUntouched()
    {
        var garbage = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("this is not a database ", 200)));
        File.Delete(StorePath + "-wal");
        File.Delete(StorePath + "-shm");
        await File.WriteAllBytesAsync(StorePath, garbage, Ct);

        foreach (var command in new[] { "list", "serve" })
        {
            var line = await FailsInOneLineAsync(command);

            Assert.Contains(StorePath, line, StringComparison.Ordinal);
            Assert.Contains("move it aside", line, StringComparison.Ordinal);
            Assert.Equal(garbage, await File.ReadAllBytesAsync(StorePath, Ct));
        }
    }

    [Fact]
    public async Task List_StoreMissingAsAFile_NamesIt()
    {
        File.Delete(StorePath);
        File.Delete(StorePath + "-wal");
        File.Delete(StorePath + "-shm");
        Directory.CreateDirectory(StorePath);

        var line = await FailsInOneLineAsync("list");

        Assert.Contains(StorePath, line, StringComparison.Ordinal);
        Assert.Contains("move it aside", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAndServe_HomeCannotBeWritten_SayWhichFolderAndWhatToDo()
    {
        // A path under a regular file can be created by no one, root included.
        await using var cli = new TetherCli();
        var blocker = Path.Combine(cli.Root, "a-file");
        await File.WriteAllTextAsync(blocker, "x", Ct);
        cli.Environment["TETHER_HOME"] = Path.Combine(blocker, "home");

        foreach (var command in new[] { "list", "serve" })
        {
            var result = await cli.RunAsync([command], cancellationToken: Ct);

            Assert.Equal(1, result.ExitCode);
            var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains(Path.Combine(blocker, "home"), line, StringComparison.Ordinal);
            Assert.Contains("TETHER_HOME", line, StringComparison.Ordinal);
        }
    }

    /// <summary>Runs <c>tether COMMAND</c>, which must fail with exit 1 and exactly one line on stderr, no stack trace.</summary>
    private async Task<string> FailsInOneLineAsync(string command)
    {
        var result = await _cli.RunAsync([command], cancellationToken: Ct);

        Assert.Equal(1, result.ExitCode);
        Assert.DoesNotContain("   at ", result.Stderr + result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled", result.Stderr, StringComparison.Ordinal);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("did not start within", line, StringComparison.Ordinal);
        return line;
    }
}
