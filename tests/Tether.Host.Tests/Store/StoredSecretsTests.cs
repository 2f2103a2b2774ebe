using System.Text;
using Tether.Store;
using Tether.Tokens;

namespace Tether.Tests.Store;

public sealed class StoredSecretsTests : IDisposable
{
    private const string AccessToken = "at-5b0c9e2d1f7a4e3c";
    private const string RefreshToken = "rt-8d6f4a2c0e9b7d5f";
    private const string BearerToken = "bt-1a3c5e7g9i2k4m6o";

    private readonly StoreTestHome _home = new();
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public void Dispose() => _home.Dispose();

    [Fact]
    public async Task CommitAsync_KnownTokens_NeverOnDiskInPlainTextBeforeOrAfterCheckpoint()
    {
        using var store = await _home.OpenAsync();
        await store.AddWorkloadAsync(TestWorkloads.New("github"), _ct);
        await CommitAsync(store, "github", new TokenSet(AccessToken, _home.Time.GetUtcNow().AddHours(1), RefreshToken, "read"));
        await store.SetBearerTokenAsync("github", BearerToken, _ct);

        Assert.True(File.Exists(_home.Paths.DatabasePath + "-wal"));
        AssertNoTokenOnDisk();
        store.Checkpoint();
        AssertNoTokenOnDisk();
        Assert.True(_home.AnywhereOnDisk(Encoding.UTF8.GetBytes("https://mcp.example.test/github")), "the scan reads the database");
    }

    [Fact]
    public async Task LoadAsync_AfterReopen_ReturnsCommittedTokensWithExpiryLifetimeAndScope()
    {
        var expiresAt = _home.Time.GetUtcNow().AddHours(1);
        using (var store = await _home.OpenAsync())
        {
            await store.AddWorkloadAsync(TestWorkloads.New("github"), _ct);
            await CommitAsync(store, "github", new TokenSet(AccessToken, expiresAt, RefreshToken, "read write") { IssuedLifetime = TimeSpan.FromHours(1) });
        }

        using var reopened = await _home.OpenAsync();
        var tokens = await reopened.ForWorkload("github").LoadAsync(_ct);

        Assert.Equal(new TokenSet(AccessToken, expiresAt, RefreshToken, "read write") { IssuedLifetime = TimeSpan.FromHours(1) }, tokens);
    }

    [Fact]
    public async Task LoadAsync_CiphertextMovedToAnotherWorkload_DoesNotDecrypt()
    {
        using var store = await _home.OpenAsync();
        await store.AddWorkloadAsync(TestWorkloads.New("victim"), _ct);
        await store.AddWorkloadAsync(TestWorkloads.New("attacker"), _ct);
        await CommitAsync(store, "victim", new TokenSet(AccessToken, null, RefreshToken));
        await CommitAsync(store, "attacker", new TokenSet("at-attacker", null, "rt-attacker"));

        using (var connection = store.Open())
        {
            TetherStore.Execute(connection, """
                UPDATE secrets SET ciphertext = (SELECT ciphertext FROM secrets WHERE workload = 'victim' AND kind = 'access_token')
                WHERE workload = 'attacker' AND kind = 'access_token';
                UPDATE secrets SET ciphertext = (SELECT ciphertext FROM secrets WHERE workload = 'victim' AND kind = 'access_token')
                WHERE workload = 'victim' AND kind = 'refresh_token';
                """, null);
        }

        Assert.Null(await store.ForWorkload("attacker").LoadAsync(_ct));
        var victim = await store.ForWorkload("victim").LoadAsync(_ct);
        Assert.Equal(AccessToken, victim!.AccessToken);
        Assert.Null(victim.RefreshToken);
    }

    [Fact]
    public async Task RemoveWorkloadAsync_WithTokens_LeavesNoCiphertextInAnyFile()
    {
        using var store = await _home.OpenAsync();
        await store.AddWorkloadAsync(TestWorkloads.New("github"), _ct);
        await CommitAsync(store, "github", new TokenSet(AccessToken, null, RefreshToken));
        store.Checkpoint();
        byte[] ciphertext;
        using (var connection = store.Open())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT ciphertext FROM secrets WHERE workload = 'github' AND kind = 'refresh_token';";
            ciphertext = (byte[])command.ExecuteScalar()!;
        }

        Assert.True(_home.AnywhereOnDisk(ciphertext), "the ciphertext is in the database before rm");

        await store.RemoveWorkloadAsync("github", _ct);
        store.Checkpoint();

        Assert.False(_home.AnywhereOnDisk(ciphertext), "the ciphertext outlived rm");
        Assert.Null(await store.ForWorkload("github").LoadAsync(_ct));
        AssertNoTokenOnDisk();
    }

    private async Task CommitAsync(TetherStore store, string workload, TokenSet tokens)
    {
        await using var lease = await store.ForWorkload(workload).AcquireAsync(_ct);
        await lease.CommitAsync(tokens, _ct);
    }

    private void AssertNoTokenOnDisk()
    {
        foreach (var token in new[] { AccessToken, RefreshToken, BearerToken })
        {
            _home.AssertNowhereOnDisk(Encoding.UTF8.GetBytes(token));
            _home.AssertNowhereOnDisk(Encoding.Unicode.GetBytes(token));
        }
    }
}
