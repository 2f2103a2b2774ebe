using Tether.Tokens;

namespace Tether.Store;

/// <summary>
/// One workload's tokens in the SQLite store, encrypted. The refresh lease is an OS file lock on
/// <c>locks/&lt;workload&gt;.lock</c>, so two processes sharing the store never spend one refresh token twice.
/// </summary>
/// <remarks>
/// Thread-safe. Obtain through <see cref="TetherStore.ForWorkload"/>. A commit for a workload that is no longer in the
/// store (removed while a refresh was in flight) writes nothing, so a late answer cannot resurrect its secrets.
/// </remarks>
public sealed class SqliteTokenStore : ITokenStore
{
    private readonly TetherStore _store;

    // Callers in this process queue here instead of polling the file lock.
    private readonly SemaphoreSlim _localLease = new(1, 1);

    internal SqliteTokenStore(TetherStore store, string workload)
    {
        _store = store;
        Workload = workload;
        LockPath = store.Paths.WorkloadLockPath(workload);
    }

    /// <summary>The workload whose tokens these are.</summary>
    public string Workload { get; }

    /// <summary>The lock file of the refresh lease.</summary>
    public string LockPath { get; }

    /// <inheritdoc/>
    public ValueTask<TokenSet?> LoadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = _store.Open();
        return ValueTask.FromResult(_store.ReadTokens(connection, Workload));
    }

    /// <inheritdoc/>
    public async ValueTask<ITokenLease> AcquireAsync(CancellationToken cancellationToken)
    {
        await _localLease.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Configuration.TetherPaths.CreatePrivateDirectory(_store.Paths.LocksDirectory);
            var (fileLock, attempts) = await CrossProcessLock.AcquireAsync(LockPath, _store.TimeProvider, cancellationToken).ConfigureAwait(false);
            TetherStore.Log.LeaseTaken(_store.Logger, Workload, attempts);
            try
            {
                // Read under the lock: another process may have rotated the tokens while we waited.
                using var connection = _store.Open();
                var current = _store.ReadTokens(connection, Workload);
                return new Lease(this, fileLock, current);
            }
            catch
            {
                await fileLock.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        catch
        {
            _localLease.Release();
            throw;
        }
    }

    private sealed class Lease(SqliteTokenStore owner, FileStream fileLock, TokenSet? current) : ITokenLease
    {
        private TokenSet? _current = current;
        private int _released;

        public TokenSet? Current => Volatile.Read(ref _current);

        public ValueTask CommitAsync(TokenSet tokens, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(tokens);
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _released) != 0, this);
            cancellationToken.ThrowIfCancellationRequested();
            using var connection = owner._store.Open();
            if (owner._store.WriteTokens(connection, owner.Workload, tokens))
            {
                Volatile.Write(ref _current, tokens);
            }
            else
            {
                TetherStore.Log.TokensDropped(owner._store.Logger, owner.Workload);
            }

            return ValueTask.CompletedTask;
        }

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                await fileLock.DisposeAsync().ConfigureAwait(false);
                owner._localLease.Release();
            }
        }
    }
}
