using System.Collections.Concurrent;
using System.Diagnostics;
using Tether.Store;
using Tether.Tokens;

namespace Tether.Tests.Store;

public sealed class SqliteTokenStoreTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);

    private readonly StoreTestHome _home = new();
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public void Dispose() => _home.Dispose();

    [Fact]
    public async Task LoadAsync_NothingCommitted_ReturnsNull()
    {
        using var store = await _home.OpenAsync();
        await store.AddWorkloadAsync(TestWorkloads.New("github"), _ct);

        Assert.Null(await store.ForWorkload("github").LoadAsync(_ct));
    }

    [Fact]
    public async Task AcquireAsync_TokensRotatedByAnotherStore_CurrentHasTheRotatedOnes()
    {
        using var first = await _home.OpenAsync(TimeProvider.System);
        using var second = await _home.OpenAsync(TimeProvider.System);
        await first.AddWorkloadAsync(TestWorkloads.New("github"), _ct);
        var before = await first.ForWorkload("github").LoadAsync(_ct);

        await using (var lease = await second.ForWorkload("github").AcquireAsync(_ct))
        {
            await lease.CommitAsync(new TokenSet("at-2", null, "rt-2"), _ct);
            Assert.Equal("rt-2", lease.Current!.RefreshToken);
        }

        await using var next = await first.ForWorkload("github").AcquireAsync(_ct);
        Assert.Null(before);
        Assert.Equal("rt-2", next.Current!.RefreshToken);
    }

    [Fact]
    public async Task AcquireAsync_HeldByAnotherStoreOnSameFile_WaitsUntilReleased()
    {
        using var first = await _home.OpenAsync(TimeProvider.System);
        using var second = await _home.OpenAsync(TimeProvider.System);
        await first.AddWorkloadAsync(TestWorkloads.New("github"), _ct);
        var held = await first.ForWorkload("github").AcquireAsync(_ct);

        using (var shortWait = CancellationTokenSource.CreateLinkedTokenSource(_ct))
        {
            shortWait.CancelAfter(TimeSpan.FromMilliseconds(300));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await second.ForWorkload("github").AcquireAsync(shortWait.Token));
        }

        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(_ct);
        bounded.CancelAfter(Bound);
        var waiting = second.ForWorkload("github").AcquireAsync(bounded.Token).AsTask();
        Assert.False(waiting.IsCompleted);
        await held.DisposeAsync();
        await using var taken = await waiting;
        Assert.NotNull(taken);
    }

    [Fact]
    public async Task AcquireAsync_LeasesOfDifferentWorkloads_DoNotBlockEachOther()
    {
        using var store = await _home.OpenAsync(TimeProvider.System);
        await store.AddWorkloadAsync(TestWorkloads.New("a"), _ct);
        await store.AddWorkloadAsync(TestWorkloads.New("b"), _ct);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(_ct);
        bounded.CancelAfter(Bound);

        await using var a = await store.ForWorkload("a").AcquireAsync(bounded.Token);
        await using var b = await store.ForWorkload("b").AcquireAsync(bounded.Token);

        Assert.True(File.Exists(_home.Paths.WorkloadLockPath("a")));
        Assert.True(File.Exists(_home.Paths.WorkloadLockPath("b")));
    }

    [Fact]
    public async Task AcquireAsync_ConcurrentRefreshersInTwoStores_NeverSpendARefreshTokenTwice()
    {
        using var first = await _home.OpenAsync(TimeProvider.System);
        using var second = await _home.OpenAsync(TimeProvider.System);
        await first.AddWorkloadAsync(TestWorkloads.New("github"), _ct);
        await using (var seed = await first.ForWorkload("github").AcquireAsync(_ct))
        {
            await seed.CommitAsync(new TokenSet("at-0", null, "rt-0"), _ct);
        }

        var spent = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var inside = 0;
        var maxInside = 0;
        var refreshes = 0;
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(_ct);
        bounded.CancelAfter(Bound);

        async Task RefresherAsync(TetherStore store, int id)
        {
            for (var round = 0; round < 15; round++)
            {
                // What this refresher believed before taking the lease; a rotation by anyone else makes it stale.
                var seen = await store.ForWorkload("github").LoadAsync(bounded.Token);
                await using var lease = await store.ForWorkload("github").AcquireAsync(bounded.Token);
                var now = Interlocked.Increment(ref inside);
                InterlockedMax(ref maxInside, now);
                if (lease.Current!.RefreshToken == seen!.RefreshToken)
                {
                    // The "token endpoint": a refresh token may be presented once.
                    Assert.True(spent.TryAdd(lease.Current.RefreshToken!, id), $"refresh token {lease.Current.RefreshToken} spent twice");
                    await Task.Yield();
                    await lease.CommitAsync(new TokenSet($"at-{id}-{round}", null, $"rt-{id}-{round}"), bounded.Token);
                    Interlocked.Increment(ref refreshes);
                }

                Interlocked.Decrement(ref inside);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() => RefresherAsync(i % 2 == 0 ? first : second, i), bounded.Token)));

        Assert.Equal(1, maxInside);
        Assert.Equal(refreshes, spent.Count);
        Assert.True(refreshes >= 15, $"only {refreshes} refreshes");
        var final = await first.ForWorkload("github").LoadAsync(_ct);
        Assert.False(spent.ContainsKey(final!.RefreshToken!), "the stored refresh token was already spent");
    }

    [Fact]
    public async Task AcquireAsync_LockHeldByAnotherProcess_WaitsAndTakesItWhenThatProcessDies()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && File.Exists("/usr/bin/flock"), "uses util-linux flock as the other process");
        using var store = await _home.OpenAsync(TimeProvider.System);
        await store.AddWorkloadAsync(TestWorkloads.New("github"), _ct);
        var lockPath = _home.Paths.WorkloadLockPath("github");

        using var other = Process.Start(new ProcessStartInfo("/usr/bin/flock", ["-x", "-o", lockPath, "-c", "echo held; exec sleep 60"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        try
        {
            using (var readBound = CancellationTokenSource.CreateLinkedTokenSource(_ct))
            {
                readBound.CancelAfter(Bound);
                Assert.Equal("held", await other.StandardOutput.ReadLineAsync(readBound.Token));
            }

            using (var shortWait = CancellationTokenSource.CreateLinkedTokenSource(_ct))
            {
                shortWait.CancelAfter(TimeSpan.FromMilliseconds(400));
                await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.ForWorkload("github").AcquireAsync(shortWait.Token));
            }

            other.Kill(entireProcessTree: true);

            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(_ct);
            bounded.CancelAfter(Bound);
            await using var lease = await store.ForWorkload("github").AcquireAsync(bounded.Token);
            Assert.NotNull(lease);
        }
        finally
        {
            if (!other.HasExited)
            {
                other.Kill(entireProcessTree: true);
            }

            await other.WaitForExitAsync(CancellationToken.None).WaitAsync(Bound, CancellationToken.None);
        }
    }

    [Fact]
    public async Task AcquireAsync_OurLeaseHeld_AnotherProcessCannotLockUntilDisposed()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && File.Exists("/usr/bin/flock"), "uses util-linux flock as the other process");
        using var store = await _home.OpenAsync(TimeProvider.System);
        await store.AddWorkloadAsync(TestWorkloads.New("github"), _ct);
        var lockPath = _home.Paths.WorkloadLockPath("github");

        var lease = await store.ForWorkload("github").AcquireAsync(_ct);
        var whileHeld = await RunFlockNonBlockingAsync(lockPath);
        await lease.DisposeAsync();
        var afterRelease = await RunFlockNonBlockingAsync(lockPath);

        Assert.NotEqual(0, whileHeld);
        Assert.Equal(0, afterRelease);
    }

    [Fact]
    public async Task CommitAsync_WorkloadRemovedWhileLeased_WritesNothing()
    {
        using var store = await _home.OpenAsync(TimeProvider.System);
        await store.AddWorkloadAsync(TestWorkloads.New("github"), _ct);
        var tokens = store.ForWorkload("github");
        await using var lease = await tokens.AcquireAsync(_ct);

        await store.RemoveWorkloadAsync("github", _ct);
        await lease.CommitAsync(new TokenSet("at-late", null, "rt-late"), _ct);

        Assert.Null(await tokens.LoadAsync(_ct));
        Assert.Null(lease.Current);
    }

    [Fact]
    public async Task CommitAsync_AfterDispose_Throws()
    {
        using var store = await _home.OpenAsync(TimeProvider.System);
        await store.AddWorkloadAsync(TestWorkloads.New("github"), _ct);
        var lease = await store.ForWorkload("github").AcquireAsync(_ct);
        await lease.DisposeAsync();
        await lease.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await lease.CommitAsync(new TokenSet("at", null, "rt"), _ct));
    }

    [Fact]
    public async Task CommitAsync_NoRefreshToken_DropsTheOldOne()
    {
        using var store = await _home.OpenAsync(TimeProvider.System);
        await store.AddWorkloadAsync(TestWorkloads.New("github"), _ct);
        var tokens = store.ForWorkload("github");
        await using (var lease = await tokens.AcquireAsync(_ct))
        {
            await lease.CommitAsync(new TokenSet("at-1", null, "rt-1"), _ct);
            await lease.CommitAsync(new TokenSet("at-2", null, null), _ct);
        }

        Assert.Equal(new TokenSet("at-2", null, null), await tokens.LoadAsync(_ct));
    }

    private static async Task<int> RunFlockNonBlockingAsync(string lockPath)
    {
        using var process = Process.Start(new ProcessStartInfo("/usr/bin/flock", ["-x", "-n", lockPath, "-c", "true"]) { UseShellExecute = false })!;
        await process.WaitForExitAsync(CancellationToken.None).WaitAsync(Bound, CancellationToken.None);
        return process.ExitCode;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
