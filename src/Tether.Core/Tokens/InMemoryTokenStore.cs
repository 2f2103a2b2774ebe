namespace Tether.Tokens;

/// <summary>An <see cref="ITokenStore"/> kept in memory: for tests, benchmarks and workloads that persist nothing.</summary>
public sealed class InMemoryTokenStore : ITokenStore
{
    private readonly SemaphoreSlim _lease = new(1, 1);
    private TokenSet? _tokens;

    /// <summary>Creates a store holding <paramref name="initial"/>.</summary>
    public InMemoryTokenStore(TokenSet? initial = null) => _tokens = initial;

    /// <summary>How many commits were made (tests assert on rotation).</summary>
    public int CommitCount { get; private set; }

    /// <inheritdoc/>
    public ValueTask<TokenSet?> LoadAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Volatile.Read(ref _tokens));

    /// <inheritdoc/>
    public async ValueTask<ITokenLease> AcquireAsync(CancellationToken cancellationToken)
    {
        await _lease.WaitAsync(cancellationToken);
        return new Lease(this);
    }

    private sealed class Lease(InMemoryTokenStore owner) : ITokenLease
    {
        private int _released;

        public TokenSet? Current => Volatile.Read(ref owner._tokens);

        public ValueTask CommitAsync(TokenSet tokens, CancellationToken cancellationToken)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _released) != 0, this);
            Volatile.Write(ref owner._tokens, tokens);
            owner.CommitCount++;
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner._lease.Release();
            }

            return ValueTask.CompletedTask;
        }
    }
}
