using Tether.Workloads;

namespace Tether.Tests.Store;

public sealed class TetherStoreTransitionTests : IDisposable
{
    private readonly StoreTestHome _home = new();
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public void Dispose() => _home.Dispose();

    [Fact]
    public async Task OnTransition_Sequence_HistoryInOrderAndCurrentStatusUpdated()
    {
        using var store = await _home.OpenAsync();
        await store.AddWorkloadAsync(TestWorkloads.New("github"), _ct);
        var t0 = _home.Time.GetUtcNow();

        store.OnTransition("github", new StatusTransition(t0, WorkloadStatus.Starting, WorkloadStatus.Authenticating, "sign-in needed"));
        store.OnTransition("github", new StatusTransition(t0.AddSeconds(30), WorkloadStatus.Authenticating, WorkloadStatus.Running, "signed in"));
        store.OnTransition("github", new StatusTransition(t0.AddHours(1), WorkloadStatus.Running, WorkloadStatus.AuthRetrying, "token endpoint 503"));

        var history = await store.GetTransitionsAsync("github", 100, _ct);
        Assert.Equal(
            [WorkloadStatus.Authenticating, WorkloadStatus.Running, WorkloadStatus.AuthRetrying],
            history.Select(t => t.To));
        Assert.Equal(new StatusTransition(t0.AddSeconds(30), WorkloadStatus.Authenticating, WorkloadStatus.Running, "signed in"), history[1]);

        var workload = await store.GetWorkloadAsync("github", _ct);
        Assert.Equal(WorkloadStatus.AuthRetrying, workload!.Status);
        Assert.Equal("token endpoint 503", workload.StatusReason);
        Assert.Equal(t0.AddHours(1), workload.UpdatedAt);
    }

    [Fact]
    public async Task OnTransition_MoreThanKept_PrunesOldestAndKeepsLast100()
    {
        using var store = await _home.OpenAsync();
        await store.AddWorkloadAsync(TestWorkloads.New("github"), _ct);
        await store.AddWorkloadAsync(TestWorkloads.New("other"), _ct);
        var t0 = _home.Time.GetUtcNow();
        store.OnTransition("other", new StatusTransition(t0, WorkloadStatus.Starting, WorkloadStatus.Running, "other ok"));

        for (var i = 0; i < 130; i++)
        {
            var (from, to) = i % 2 == 0 ? (WorkloadStatus.Running, WorkloadStatus.AuthRetrying) : (WorkloadStatus.AuthRetrying, WorkloadStatus.Running);
            store.OnTransition("github", new StatusTransition(t0.AddMinutes(i), from, to, $"step {i}"));
        }

        var history = await store.GetTransitionsAsync("github", 1000, _ct);
        Assert.Equal(100, history.Count);
        Assert.Equal("step 30", history[0].Reason);
        Assert.Equal("step 129", history[^1].Reason);
        Assert.Single(await store.GetTransitionsAsync("other", 1000, _ct));
    }

    [Fact]
    public async Task GetTransitionsAsync_Limit_ReturnsMostRecentOldestFirst()
    {
        using var store = await _home.OpenAsync();
        await store.AddWorkloadAsync(TestWorkloads.New("github"), _ct);
        var t0 = _home.Time.GetUtcNow();
        for (var i = 0; i < 5; i++)
        {
            store.OnTransition("github", new StatusTransition(t0.AddMinutes(i), WorkloadStatus.Running, WorkloadStatus.Running, $"step {i}"));
        }

        var lastTwo = await store.GetTransitionsAsync("github", 2, _ct);

        Assert.Equal(["step 3", "step 4"], lastTwo.Select(t => t.Reason));
    }

    [Fact]
    public async Task OnTransition_UnknownWorkload_WritesNothing()
    {
        using var store = await _home.OpenAsync();

        store.OnTransition("ghost", new StatusTransition(_home.Time.GetUtcNow(), WorkloadStatus.Stopping, WorkloadStatus.Stopped, "late"));

        Assert.Empty(await store.GetTransitionsAsync("ghost", 100, _ct));
        Assert.Null(await store.GetWorkloadAsync("ghost", _ct));
    }
}
