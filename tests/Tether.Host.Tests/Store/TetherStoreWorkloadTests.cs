using Tether.Store;
using Tether.Workloads;

namespace Tether.Tests.Store;

public sealed class TetherStoreWorkloadTests : IDisposable
{
    private readonly StoreTestHome _home = new();
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public void Dispose() => _home.Dispose();

    [Fact]
    public async Task AddWorkloadAsync_NewName_IsReadBackWithConfigAndTimestamps()
    {
        using var store = await _home.OpenAsync();

        Assert.Equal(WorkloadWriteResult.Done, await store.AddWorkloadAsync(TestWorkloads.New("github"), _ct));
        var stored = await store.GetWorkloadAsync("github", _ct);

        Assert.NotNull(stored);
        Assert.Equal("https://mcp.example.test/github", stored.RemoteUrl);
        Assert.Equal("streamable-http", stored.Transport);
        Assert.Equal(8421, stored.Port);
        Assert.Equal(["read", "write"], stored.Config.Scopes);
        Assert.Equal("client-1", stored.Config.ClientId);
        Assert.Equal(33418, stored.Config.CallbackPort);
        Assert.Equal(["X-Team"], stored.Config.HeaderNames);
        Assert.Equal(DesiredState.Running, stored.DesiredState);
        Assert.Equal(WorkloadStatus.Starting, stored.Status);
        Assert.Equal(_home.Time.GetUtcNow(), stored.CreatedAt);
        Assert.Equal(_home.Time.GetUtcNow(), stored.UpdatedAt);
    }

    [Fact]
    public async Task AddWorkloadAsync_NameAlreadyUsed_ReturnsNameTakenAndKeepsTheFirst()
    {
        using var store = await _home.OpenAsync();
        await store.AddWorkloadAsync(TestWorkloads.New("github"), _ct);

        var second = await store.AddWorkloadAsync(TestWorkloads.New("github") with { RemoteUrl = "https://other.test/" }, _ct);

        Assert.Equal(WorkloadWriteResult.NameTaken, second);
        Assert.Equal("https://mcp.example.test/github", (await store.GetWorkloadAsync("github", _ct))!.RemoteUrl);
    }

    [Fact]
    public async Task ListWorkloadsAsync_SeveralWorkloads_ReturnsAllByName()
    {
        using var store = await _home.OpenAsync();
        await store.AddWorkloadAsync(TestWorkloads.New("zeta", 9001), _ct);
        await store.AddWorkloadAsync(TestWorkloads.New("alpha", null), _ct);

        var all = await store.ListWorkloadsAsync(_ct);

        Assert.Equal(["alpha", "zeta"], all.Select(w => w.Name));
        Assert.Null(all[0].Port);
    }

    [Fact]
    public async Task UpdateWorkloadAsync_ChangedPortAndConfig_PersistsThemAndBumpsUpdatedAt()
    {
        using var store = await _home.OpenAsync();
        await store.AddWorkloadAsync(TestWorkloads.New("github"), _ct);
        _home.Time.Advance(TimeSpan.FromMinutes(5));

        var changed = TestWorkloads.New("github", 9999) with { Config = new WorkloadConfig { Resource = "https://api.test/" } };
        Assert.Equal(WorkloadWriteResult.Done, await store.UpdateWorkloadAsync(changed, _ct));

        var stored = await store.GetWorkloadAsync("github", _ct);
        Assert.Equal(9999, stored!.Port);
        Assert.Equal("https://api.test/", stored.Config.Resource);
        Assert.Empty(stored.Config.Scopes);
        Assert.Equal(_home.Time.GetUtcNow(), stored.UpdatedAt);
        Assert.Equal(_home.Time.GetUtcNow() - TimeSpan.FromMinutes(5), stored.CreatedAt);
    }

    [Fact]
    public async Task UpdateWorkloadAsync_UnknownName_ReturnsNotFound()
    {
        using var store = await _home.OpenAsync();

        Assert.Equal(WorkloadWriteResult.NotFound, await store.UpdateWorkloadAsync(TestWorkloads.New("ghost"), _ct));
        Assert.Null(await store.GetWorkloadAsync("ghost", _ct));
    }

    [Fact]
    public async Task SetDesiredStateAsync_Stopped_SurvivesReopening()
    {
        using (var store = await _home.OpenAsync())
        {
            await store.AddWorkloadAsync(TestWorkloads.New("github"), _ct);
            Assert.Equal(WorkloadWriteResult.Done, await store.SetDesiredStateAsync("github", DesiredState.Stopped, _ct));
            Assert.Equal(WorkloadWriteResult.NotFound, await store.SetDesiredStateAsync("ghost", DesiredState.Stopped, _ct));
        }

        using var reopened = await _home.OpenAsync();
        Assert.Equal(DesiredState.Stopped, (await reopened.GetWorkloadAsync("github", _ct))!.DesiredState);
    }

    [Fact]
    public async Task RemoveWorkloadAsync_Existing_DeletesWorkloadTransitionsAndSecrets()
    {
        using var store = await _home.OpenAsync();
        await store.AddWorkloadAsync(TestWorkloads.New("github"), _ct);
        await store.AddWorkloadAsync(TestWorkloads.New("other"), _ct);
        store.OnTransition("github", new StatusTransition(_home.Time.GetUtcNow(), WorkloadStatus.Starting, WorkloadStatus.Running, "tokens ok"));
        await store.SetBearerTokenAsync("github", "static-bearer-1", _ct);
        await store.SetBearerTokenAsync("other", "static-bearer-2", _ct);

        Assert.Equal(WorkloadWriteResult.Done, await store.RemoveWorkloadAsync("github", _ct));

        Assert.Null(await store.GetWorkloadAsync("github", _ct));
        Assert.Empty(await store.GetTransitionsAsync("github", 100, _ct));
        Assert.Null(await store.GetBearerTokenAsync("github", _ct));
        Assert.Equal("static-bearer-2", await store.GetBearerTokenAsync("other", _ct));
        Assert.Equal(WorkloadWriteResult.NotFound, await store.RemoveWorkloadAsync("github", _ct));
    }

    [Fact]
    public async Task SetSecretAsync_UnknownWorkload_ReturnsNotFoundAndStoresNothing()
    {
        using var store = await _home.OpenAsync();

        Assert.Equal(WorkloadWriteResult.NotFound, await store.SetBearerTokenAsync("ghost", "static-bearer", _ct));
        Assert.Null(await store.GetBearerTokenAsync("ghost", _ct));
    }

    [Fact]
    public async Task OpenAsync_DatabaseFromNewerSchema_FailsWithClearMessage()
    {
        using (var store = await _home.OpenAsync())
        {
            using var connection = store.Open();
            TetherStore.Execute(connection, "PRAGMA user_version = 99;", null);
        }

        var error = await Assert.ThrowsAsync<TetherStoreException>(() => _home.OpenAsync());
        Assert.Contains("newer Tether", error.Message, StringComparison.Ordinal);
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    [Fact]
    public async Task OpenAsync_NewHome_DatabaseAndWalAreUserOnly()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix permissions");
        using var store = await _home.OpenAsync();
        await store.AddWorkloadAsync(TestWorkloads.New("github"), _ct);

        var userOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(userOnly, File.GetUnixFileMode(_home.Paths.DatabasePath));
        Assert.Equal(userOnly, File.GetUnixFileMode(_home.Paths.DatabasePath + "-wal"));
        Assert.Equal(userOnly | UnixFileMode.UserExecute, File.GetUnixFileMode(_home.Paths.Home));
    }

    [Fact]
    public async Task OpenAsync_SeveralAtOnceOnNewHome_AllShareOneKeyAndSchema()
    {
        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => _home.OpenAsync(), _ct)));
        try
        {
            Assert.Equal(WorkloadWriteResult.Done, await stores[0].AddWorkloadAsync(TestWorkloads.New("github"), _ct));
            await stores[1].SetBearerTokenAsync("github", "static-bearer", _ct);

            foreach (var store in stores)
            {
                Assert.Equal("static-bearer", await store.GetBearerTokenAsync("github", _ct));
            }

            Assert.Single(Directory.GetFiles(_home.Paths.KeysDirectory));
        }
        finally
        {
            foreach (var store in stores)
            {
                store.Dispose();
            }
        }
    }

    [Fact]
    public async Task OpenAsync_NewHome_UsesWalJournal()
    {
        using var store = await _home.OpenAsync();
        using var connection = store.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";

        Assert.Equal("wal", command.ExecuteScalar());
    }
}
